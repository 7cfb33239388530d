import { describe, expect, it } from 'vitest';
import { formatDefinitionError } from '../../../definitions/errors.js';
import type { DefinitionError } from '../../../definitions/errors.js';
import { editDistance, suggest } from '../../../definitions/suggest.js';

const error: DefinitionError = {
  code: 'UNKNOWN_TEMPLATE',
  severity: 'error',
  message: 'no template named "winback-l"',
  file: 'definitions/journeys/winback.yaml',
  line: 2,
  col: 39,
  path: ['steps', 0, 'send', 'template'],
  suggestion: 'winback-1',
};
const source = 'steps:\n  - send: { channel: email, template: winback-l }\n';

describe('formatDefinitionError', () => {
  it('prints file:line:col CODE: message, the hint, the source line and a caret', () => {
    expect(formatDefinitionError(error, source)).toBe(
      [
        'definitions/journeys/winback.yaml:2:39 UNKNOWN_TEMPLATE: no template named "winback-l" (did you mean "winback-1"?)',
        '   2 |   - send: { channel: email, template: winback-l }',
        '     |                                       ^',
      ].join('\n'),
    );
  });

  it('marks warnings and works without the source', () => {
    const { suggestion: _hint, ...withoutHint } = error;
    expect(formatDefinitionError({ ...withoutHint, severity: 'warning' })).toBe(
      'definitions/journeys/winback.yaml:2:39 warning UNKNOWN_TEMPLATE: no template named "winback-l"',
    );
  });
});

describe('suggest', () => {
  it.each([
    ['entyr', ['entry', 'exit'], 'entry'],
    ['$gtee', ['$gt', '$gte'], '$gte'],
    ['sned', ['send', 'wait'], 'send'],
    ['Email', ['email', 'line'], 'email'],
    ['banana', ['send', 'wait'], undefined],
    ['send', ['send'], undefined],
  ])('%s among %j -> %s', (input, known, expected) => {
    expect(suggest(input, known)).toBe(expected);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('entyr', 'entry')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

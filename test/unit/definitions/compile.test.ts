import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCompileOptions } from '../../../definitions/catalog.js';
import { compileJourney } from '../../../definitions/compile.js';

const options = loadCompileOptions('definitions');
const WINBACK = readFileSync('definitions/journeys/winback.yaml', 'utf8');

const simpleStep = fc.oneof(
  fc.constantFrom('3d', '1h', '2w', '45m').map((wait) => ({ wait })),
  fc.constantFrom('winback-1', 'winback-coupon').map((template) => ({ send: { channel: 'email', template } })),
  fc.constantFrom('done', 'gave-up').map((exit) => ({ if: { totalSpent: { $gte: 1 } }, then: [{ exit }] })),
);

function stepIds(steps: unknown[]): string[] {
  const source = stringify({ journey: 'ids', name: 'ids', entry: { api: true }, steps });
  const result = compileJourney(source, 'ids.yaml', options);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return Object.keys(result.plan.steps);
}

describe('derived step ids', () => {
  it('do not change when an unrelated step is inserted anywhere', () => {
    fc.assert(
      fc.property(fc.array(simpleStep, { maxLength: 8 }), fc.nat(), (steps, position) => {
        const before = stepIds(steps);
        const at = position % (steps.length + 1);
        const inserted = { update_profile: { add_tags: ['unrelated'] } };
        const after = stepIds([...steps.slice(0, at), inserted, ...steps.slice(at)]);
        expect(after.filter((id) => id !== 'update-unrelated')).toEqual(before);
      }),
    );
  });

  it('are readable and numbered on collision', () => {
    expect(
      stepIds([{ wait: '3d' }, { send: { channel: 'email', template: 'winback-1' } }, { wait: '3d' }, { exit: null }]),
    ).toEqual(['wait-3d', 'send-winback-1', 'wait-3d-2', 'exit-exited']);
  });

  it('never take a given id', () => {
    expect(stepIds([{ wait: '3d' }, { id: 'wait-3d', wait: '1h' }])).toEqual(['wait-3d-2', 'wait-3d']);
  });
});

describe('compileJourney', () => {
  it('works on a source string alone, without a template catalog', () => {
    const result = compileJourney(WINBACK, 'winback.yaml');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.plan.templates['winback-1']).toEqual({ email: null, line: null });
  });

  it('pins the content of the journey and its templates in the hash', () => {
    const hash = (opts = options, source = WINBACK): string => {
      const result = compileJourney(source, 'winback.yaml', opts);
      return result.ok ? result.plan.contentHash : '';
    };
    const catalog = options.templates ?? {};
    const edited = {
      ...catalog,
      'winback-1': { ...catalog['winback-1'], email: { file: 'x.yaml', source: 'subject: x\nhtml: <p>x</p>\n' } },
    };
    expect(hash()).toMatch(/^[0-9a-f]{64}$/);
    expect(hash({ ...options, templates: edited })).not.toBe(hash());
    expect(hash(options, `${WINBACK}\n# a comment\n`)).not.toBe(hash());
  });

  it('reports problems sorted by position, warnings apart from errors', () => {
    const source = 'journey: x\nname: x\nentry: { api: true }\nsteps:\n  - wait: 400d\n  - wait: 0m\n  - wait: nope\n';
    const result = compileJourney(source, 'x.yaml', options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.line, e.col])).toEqual([
      ['ZERO_DURATION', 6, 11],
      ['BAD_DURATION', 7, 11],
    ]);
    expect(result.warnings.map((e) => [e.code, e.line, e.path])).toEqual([
      ['DURATION_OVER_A_YEAR', 5, ['steps', 0, 'wait']],
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileJourney } from '../../../definitions/compile.js';
import { checkTemplate } from '../../../definitions/templates.js';
import { FIXTURES, fixtureFiles, optionsFor } from './fixture-helpers.js';

/** Words of the validator's internals that a marketer cannot act on. */
const JARGON =
  /Too (small|big)|[<>]=|expected (number|string|boolean|object|array|record)\b|Invalid input|undefined|NaN|\[object/;

function messagesOf(file: string, dir: string): string[] {
  const result = compileJourney(readFileSync(file, 'utf8'), file, optionsFor(dir));
  return (result.ok ? result.warnings : [...result.errors, ...result.warnings]).map((p) => p.message);
}

describe('messages speak the marketer’s words', () => {
  const dir = join(FIXTURES, 'invalid');
  it.each(fixtureFiles(dir))('%s', (file) => {
    for (const message of messagesOf(file, dir)) expect(message).not.toMatch(JARGON);
  });

  it('say what a mistyped value should look like', () => {
    const file = join(dir, 'wrong-type-explained.yaml');
    expect(messagesOf(file, dir)).toEqual([
      'expected text. A duration: 45m, 3h, 3d, 2w, 1h30m, or ISO 8601 (P3D, PT1H).',
      'expected a mapping. An event, written as { event: order.completed } with an optional where.',
    ]);
  });

  it('give limits in words', () => {
    expect(messagesOf(join(dir, 'out-of-range.yaml'), dir)).toEqual(['must be at least 1']);
  });

  it('name the repeated key and the line of the first use of a step id', () => {
    expect(messagesOf(join(dir, 'duplicate-key.yaml'), dir)).toEqual([
      '"name" is already set earlier in the same mapping; keep one of them',
    ]);
    expect(messagesOf(join(dir, 'duplicate-step-id.yaml'), dir)[0]).toMatch(/already used on line \d+/);
  });

  it('point a written-out date to at:', () => {
    expect(messagesOf(join(dir, 'bad-date-source-fixed-date.yaml'), dir)[0]).toContain('write it as at:');
  });

  it('use the right article for LINE message types', () => {
    const source = 'messages:\n  - { type: image, originalContentUrl: https://example.com/a.png }\n';
    const [problem] = checkTemplate('line', { file: 't.yaml', source }).problems;
    expect(problem?.message).toBe('an image message needs "previewImageUrl"');
  });
});

/**
 * Whatever a file holds, compileJourney answers with positioned errors or a plan that is plain
 * JSON; it never throws and never falls back to INTERNAL_ERROR.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCompileOptions } from '../../../definitions/catalog.js';
import { compileJourney } from '../../../definitions/compile.js';
import { STEP_KINDS } from '../../../definitions/step-kinds.js';

const options = loadCompileOptions('definitions');
const WINBACK = readFileSync('definitions/journeys/winback.yaml', 'utf8');
const RUNS = { numRuns: 400 };
/** Hundreds of compilations a test: generous for slow machines. */
const TIMEOUT = 60_000;

function expectWellFormed(source: string): void {
  const result = compileJourney(source, 'gen.yaml', options);
  const lines = source.split(/\r\n|\r|\n/).length;
  if (result.ok) {
    expect(result.plan.planVersion).toBe(1);
    // A plan crosses Temporal's payload converter and MongoDB: JSON in, the same JSON out.
    expect(JSON.parse(JSON.stringify(result.plan))).toEqual(result.plan);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of [...result.errors, ...result.warnings]) {
    expect(error.code).toMatch(/^[A-Z_]+$/);
    expect(error.code).not.toBe('INTERNAL_ERROR');
    expect(error.message.length).toBeGreaterThan(0);
    expect(Array.isArray(error.path)).toBe(true);
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.col).toBeGreaterThanOrEqual(1);
    if (error.file === 'gen.yaml') expect(error.line).toBeLessThanOrEqual(lines + 1);
  }
}

const languageKey = fc.constantFrom(
  ...['journey', 'name', 'entry', 'event', 'where', 'segment', 'schedule', 'reentry', 'holdout', 'exit', 'goals'],
  ...['policy', 'steps', 'id', 'then', 'else', 'on_event', 'on_timeout', 'default', 'when', 'on', 'goal'],
  ...['channel', 'template', 'timeout', 'times', 'every', 'until', 'weight', 'at', 'date', 'before', 'time'],
  ...['$gte', '$and', '$or', '$not', '$in', '$regex', '$elemMatch', '$olderThan', '__proto__', 'constructor'],
  ...STEP_KINDS,
);
const key = fc.oneof(languageKey, fc.string({ unit: 'grapheme', maxLength: 6 }));
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, -1e300, Number.MAX_SAFE_INTEGER + 2, Number.MIN_VALUE),
);
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('3d', '0m', 'P3D', '45m', 'winback-1', 'email', 'line', 'order.completed', 'profile.renewalDate'),
  fc.constantFrom('21:00-09:00', '0 10 * * *', 'Asia/Tokyo', '10%', '{{ profile.firstName', 'x'.repeat(6000)),
);
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'medium', maxDepth: 12 },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Mostly a plausible value, sometimes anything at all. */
const mostly = <T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 5, arbitrary: plausible }, { weight: 1, arbitrary: value });

const duration = mostly(fc.constantFrom('45m', '3d', '2w', 'P3D', 'PT1H', '400d', '0m', '3 days'));
const operator = fc.constantFrom(
  ...['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$size', '$all'],
  ...['$elemMatch', '$olderThan', '$withinLast', '$not', '$gte3'],
);
const field = fc.constantFrom('totalSpent', 'tags', 'event.total', 'consent.email', 'lastOrderAt', 'nickname');
const condition = mostly(
  fc.dictionary(field, fc.oneof(leaf, fc.dictionary(operator, fc.oneof(leaf, fc.array(leaf)), { maxKeys: 2 })), {
    minKeys: 1,
    maxKeys: 2,
  }),
);
const event = mostly(fc.constantFrom('order.completed', 'line.postback', 'cart.abandoned', 'bad event'));

/** Steps of every kind, nested through their branches, with values mostly right. */
const steps = fc.letrec<{ list: unknown[]; step: unknown }>((tie) => {
  const list = tie('list');
  const kinds: fc.Arbitrary<unknown>[] = [
    fc
      .record({
        channel: mostly(fc.constantFrom('email', 'line', 'preferred')),
        template: mostly(fc.constantFrom('winback-1', 'winback-coupon', 'nope')),
      })
      .map((send) => ({ send })),
    duration.map((wait) => ({ wait })),
    fc
      .record(
        {
          date: mostly(fc.constantFrom('profile.renewalDate', 'event.startsAt')),
          before: duration,
          time: mostly(fc.constant('10:00')),
        },
        { requiredKeys: ['date'] },
      )
      .map((w) => ({ wait_until: w })),
    fc.record(
      {
        wait_for: fc.record({ event, timeout: duration, where: condition }, { requiredKeys: ['event', 'timeout'] }),
        on_event: list,
        on_timeout: list,
      },
      { requiredKeys: ['wait_for'] },
    ),
    fc.record({ if: condition, then: list, else: list }, { requiredKeys: ['if', 'then'] }),
    fc.record(
      { branch: fc.array(fc.record({ when: condition, steps: list }), { maxLength: 3 }), default: list },
      { requiredKeys: ['branch'] },
    ),
    fc
      .array(fc.record({ name: fc.constantFrom('a', 'b', 'a'), weight: mostly(fc.nat(100)), steps: list }), {
        maxLength: 3,
      })
      .map((split) => ({ split })),
    fc.record({
      repeat: fc.record(
        { times: mostly(fc.nat(5)), every: duration, until: fc.record({ event }) },
        { requiredKeys: ['times', 'every'] },
      ),
      steps: list,
    }),
    fc
      .record({ set: fc.dictionary(field, leaf), add_tags: fc.array(text, { maxLength: 2 }) })
      .map((u) => ({ update_profile: u })),
    mostly(fc.constantFrom('done', null)).map((exit) => ({ exit })),
  ];
  return {
    step: fc
      .tuple(fc.oneof(...kinds), fc.option(mostly(fc.constantFrom('a', 'b', 'c')), { nil: undefined, freq: 2 }))
      .map(([step, id]) => (id === undefined ? step : { id, ...(step as object) })),
    list: fc.array(tie('step'), { maxLength: 3, depthIdentifier: 'steps' }),
  };
});

/** A journey-shaped document: the right top-level keys, steps of every kind, values mostly right. */
const journeyLike = fc.record(
  {
    journey: mostly(fc.constant('gen')),
    name: mostly(fc.constant('Gen')),
    entry: mostly(
      fc.oneof(
        fc.record({ event, where: condition }, { requiredKeys: ['event'] }),
        fc.record({ segment: condition, schedule: fc.constant({ cron: '0 10 * * *', timezone: 'Asia/Tokyo' }) }),
        fc.constant({ api: true }),
      ),
    ),
    holdout: mostly(fc.constantFrom('10%', 5, '120%', 0)),
    exit: fc.array(fc.record({ on: event, goal: mostly(fc.boolean()), window: duration }, { requiredKeys: ['on'] }), {
      maxLength: 2,
    }),
    policy: fc.record(
      {
        timezone: mostly(fc.constantFrom('Asia/Tokyo', 'profile.timezone')),
        quiet_hours: mostly(fc.constantFrom('21:00-09:00', '25:00-09:00')),
        frequency_cap: mostly(fc.constant({ max: 2, per: '7d' })),
      },
      { requiredKeys: [] },
    ),
    steps: steps.list,
  },
  { requiredKeys: ['journey', 'name', 'entry', 'steps'] },
);

/** YAML text from pieces that exercise the parser: anchors, aliases, merges, tags, odd keys, deep flows. */
const yamlPiece = fc.oneof(
  fc.constantFrom(
    '&a { event: order.completed }',
    '*a',
    '<<: *a',
    '&b [*a, *a]',
    '*b',
    '*missing',
    '&a',
    '&c [*c]',
    '&d { a: *d }',
  ),
  fc.constantFrom(
    '? [x, y]\n: z',
    '? { a: 1 }\n: b',
    '1: 2',
    'null: x',
    '~: y',
    '"": ""',
    '!!binary aGk=',
    '!custom x',
  ),
  fc.constantFrom('.inf', '-.nan', '1e400', '0x1F', '0o17', '99999999999999999999999', '2026-12-01', 'yes'),
  fc.constantFrom('---', '...', '%YAML 1.2', '\t', '\uFEFF', '\r\n', '#', '|', '>-', "'", '"\\u00e9"', '- '),
  fc.nat(150).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.nat(150).map((n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const yamlText = fc
  .array(
    fc.tuple(
      fc.constantFrom(...['journey', 'entry', 'steps', '  - wait', '  - if', '    then', 'where'], ''),
      yamlPiece,
    ),
    {
      maxLength: 10,
    },
  )
  .map((parts) => parts.map(([k, v]) => (k === '' ? v : `${k}: ${v}`)).join('\n'));

describe('compileJourney never throws', () => {
  it(
    'on arbitrary documents written as YAML',
    () => {
      fc.assert(
        fc.property(value, (doc) => expectWellFormed(stringify(doc))),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'on arbitrary documents written as JSON',
    () => {
      fc.assert(
        fc.property(value, (doc) => expectWellFormed(JSON.stringify(doc) ?? 'null')),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'on journey-shaped documents with steps of every kind',
    () => {
      fc.assert(
        fc.property(journeyLike, (doc) => expectWellFormed(stringify(doc))),
        RUNS,
      );
    },
    TIMEOUT,
  );

  it(
    'on YAML text with anchors, aliases, tags, odd keys and deep nesting',
    () => {
      fc.assert(fc.property(yamlText, expectWellFormed), RUNS);
    },
    TIMEOUT,
  );

  it(
    'on arbitrary text',
    () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), expectWellFormed), RUNS);
    },
    TIMEOUT,
  );

  it(
    'on journeys with lines dropped, duplicated or garbled',
    () => {
      const lines = WINBACK.split('\n');
      const edit = fc.record({
        at: fc.nat(lines.length - 1),
        how: fc.constantFrom('drop', 'duplicate', 'garble', 'indent'),
        text: fc.string({ unit: 'grapheme', maxLength: 6 }),
      });
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
          const copy = [...lines];
          for (const { at, how, text: piece } of edits) {
            const index = at % copy.length;
            const line = copy[index] ?? '';
            if (how === 'drop') copy.splice(index, 1);
            else if (how === 'duplicate') copy.splice(index, 0, line);
            else if (how === 'garble') copy[index] = line.slice(0, piece.length) + piece;
            else copy[index] = `  ${line}`;
          }
          expectWellFormed(copy.join('\n'));
        }),
        RUNS,
      );
    },
    TIMEOUT,
  );
});

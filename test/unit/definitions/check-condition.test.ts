// The compiler keeps conditions to the language the evaluator and FerretDB read alike
// (docs/conditions.md): what they read differently is refused with a code, at its place.
import { describe, expect, it } from 'vitest';
import { compileJourney } from '../../../definitions/compile.js';
import type { Condition } from '../../../definitions/plan.js';

/** Compiles `where` as the filter of an event entry, where profile and `event.*` paths are in scope. */
function compileWhere(where: string): { codes: string[]; condition: Condition | null; col: number | null } {
  const source = ['journey: j', 'name: J', 'entry:', '  event: order.completed', `  where: ${where}`, 'steps: []'];
  const result = compileJourney(source.join('\n'), 'j.yaml', {});
  if (result.ok) {
    const entry = result.plan.entry;
    return { codes: [], condition: entry.type === 'event' ? entry.where : null, col: null };
  }
  return { codes: result.errors.map((e) => e.code), condition: null, col: result.errors[0]?.col ?? null };
}

const refused: [string, string, string][] = [
  ['null on a dotted profile path', '{ consent.email: null }', 'UNSUPPORTED_CONDITION'],
  ['$eq null on a dotted profile path', '{ consent.email: { $eq: null } }', 'UNSUPPORTED_CONDITION'],
  ['$ne null on a dotted profile path', '{ consent.email: { $ne: null } }', 'UNSUPPORTED_CONDITION'],
  ['$in with null on a dotted profile path', '{ consent.email: { $in: [subscribed, null] } }', 'UNSUPPORTED_CONDITION'],
  ['$nin with null on a dotted profile path', '{ orders.sku: { $nin: [null] } }', 'UNSUPPORTED_CONDITION'],
  ['equality with a mapping', '{ address: { prefecture: 東京都 } }', 'UNSUPPORTED_CONDITION'],
  ['$in with a mapping', '{ orders: { $in: [{ sku: A }] } }', 'UNSUPPORTED_CONDITION'],
  ['$ne with a list holding a mapping', '{ orders: { $ne: [{ sku: A }] } }', 'UNSUPPORTED_CONDITION'],
  ['$elemMatch over documents', '{ orders: { $elemMatch: { sku: A } } }', 'UNSUPPORTED_CONDITION'],
  ['$elemMatch with two operators', '{ points: { $elemMatch: { $gte: 1, $lt: 3 } } }', 'UNSUPPORTED_CONDITION'],
  ['$elemMatch with $ne', '{ tags: { $elemMatch: { $ne: vip } } }', 'UNSUPPORTED_CONDITION'],
  ['$elemMatch with $in holding null', '{ tags: { $elemMatch: { $in: [null] } } }', 'UNSUPPORTED_CONDITION'],
  ['$olderThan on an event property', '{ event.orderedAt: { $olderThan: 1d } }', 'UNSUPPORTED_CONDITION'],
  ['$all with an empty list', '{ tags: { $all: [] } }', 'BAD_OPERAND'],
  ['$all with a mapping', '{ tags: { $all: [{ a: 1 }] } }', 'BAD_OPERAND'],
  ['$all with null', '{ tags: { $all: [null] } }', 'BAD_OPERAND'],
  ['option u', "{ email: { $regex: 'a', $options: u } }", 'BAD_OPERAND'],
  ['option x', "{ email: { $regex: 'a', $options: x } }", 'BAD_OPERAND'],
  ['$options without $regex', '{ email: { $options: i } }', 'BAD_OPERAND'],
  ['$gt with null', '{ points: { $gt: null } }', 'BAD_OPERAND'],
  ['\\s', "{ email: { $regex: 'a\\s' } }", 'UNSUPPORTED_REGEX'],
  ['\\w', "{ email: { $regex: '\\w+' } }", 'UNSUPPORTED_REGEX'],
  ['a lookahead', "{ email: { $regex: 'a(?=b)' } }", 'UNSUPPORTED_REGEX'],
  ['a backreference', "{ email: { $regex: '(a)\\1' } }", 'UNSUPPORTED_REGEX'],
  ['a Unicode property', "{ email: { $regex: '\\p{L}' } }", 'UNSUPPORTED_REGEX'],
  ['"[" inside a class', "{ email: { $regex: '[a[]' } }", 'UNSUPPORTED_REGEX'],
  ['a POSIX class, which JavaScript reads as a stray "]"', "{ email: { $regex: '[[:alpha:]]' } }", 'BAD_REGEX'],
  ['an unclosed class is not a regex at all', "{ email: { $regex: '([a-z' } }", 'BAD_REGEX'],
  ['a lone brace, which JavaScript refuses', "{ email: { $regex: 'a{' } }", 'BAD_REGEX'],
];

const accepted: [string, string][] = [
  ['null on a top-level field', '{ nickname: null }'],
  ['$in with null on a top-level field', '{ nickname: { $in: [null, ""] } }'],
  ['a dotted path with a value', '{ consent.email: subscribed, orders.sku: { $nin: [A] } }'],
  ['$ne on a dotted path', '{ consent.email: { $ne: unsubscribed } }'],
  ['$exists on a dotted path', '{ consent.email: { $exists: false } }'],
  ['whole-list equality', '{ tags: [coffee, vip] }'],
  ['$elemMatch with one operator', '{ points: { $elemMatch: { $gte: 1 } } }'],
  ['$elemMatch with a regex', "{ tags: { $elemMatch: { $regex: '^v', $options: i } } }"],
  ['$all of values', '{ tags: { $all: [coffee, 1, true] } }'],
  ['$elemMatch over event documents', '{ event.items: { $elemMatch: { sku: A, quantity: { $gte: 1 } } } }'],
  ['null and mappings on event paths', '{ event.coupon: null, event.items.sku: null, event.shop: { id: 1 } }'],
  ['a regex in the shared subset', "{ email: { $regex: '^[a-z0-9.]+@example\\.jp$', $options: ims } }"],
  ['$olderThan on a profile date', '{ lastOrderAt: { $olderThan: 90d } }'],
];

describe('conditions the compiler refuses', () => {
  it.each(refused)('%s', (_name, where, code) => {
    const { codes, col } = compileWhere(where);
    expect(codes).toEqual([code]);
    expect(col).toBeGreaterThan(9);
  });
});

describe('conditions the compiler accepts', () => {
  it.each(accepted)('%s', (_name, where) => {
    const { codes, condition } = compileWhere(where);
    expect(codes).toEqual([]);
    expect(condition).not.toBeNull();
  });
});

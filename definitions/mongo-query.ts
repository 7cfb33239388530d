/**
 * Compiled conditions as MongoDB queries, for segments: the same text a journey branches on selects
 * the customers a scheduled entry admits.
 */
import type { Condition, JsonValue } from './plan.js';
import { isOperatorObject, isPlainObject, setOwn } from './conditions.js';

type Doc = Record<string, unknown>;

/** Options of {@link toMongoQuery}. */
export interface MongoQueryOptions {
  /** Maps a condition path (a profile field) to the stored document path; identity by default. */
  mapPath?: (path: string) => string;
}

/**
 * Turns a compiled condition into a MongoDB query evaluated at `nowMs`: `$olderThan: ms` becomes
 * `$lt: Date(now - ms)`, `$withinLast: ms` becomes `$gte: Date(now - ms)`, a top-level `$not` and a
 * field's `$ne`, `$nin` and `$not` become `$nor` of the positive match (the same in MongoDB, and the
 * form FerretDB v1 also negates correctly on a path through an array of documents).
 * The result holds Date objects, so it is not JSON.
 */
export function toMongoQuery(condition: Condition, nowMs: number, options: MongoQueryOptions = {}): Doc {
  const mapPath = options.mapPath ?? ((path: string) => path);
  return translateDocument(condition, nowMs, mapPath);
}

function translateDocument(condition: Condition, nowMs: number, mapPath: (path: string) => string): Doc {
  const out: Doc = {};
  const extra: Doc[] = [];
  for (const [key, operand] of Object.entries(condition)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      out[key] = asConditions(operand).map((c) => translateDocument(c, nowMs, mapPath));
    } else if (key === '$not') {
      extra.push({ $nor: [translateDocument(asConditions([operand])[0] ?? {}, nowMs, mapPath)] });
    } else {
      const { ops, clauses } = translateField(key, operand, nowMs, mapPath);
      if (ops !== undefined) setOwn(out, mapPath(key), ops);
      extra.push(...clauses);
    }
  }
  if (extra.length > 0) out['$and'] = [...((out['$and'] as Doc[] | undefined) ?? []), ...extra];
  return out;
}

function asConditions(operand: JsonValue | undefined): Condition[] {
  if (!Array.isArray(operand)) return [];
  return operand.filter((c): c is Condition => isPlainObject(c));
}

/**
 * The operators of one field: those kept on the field, and clauses for the document's `$and`.
 *
 * On a dotted path each operator is a clause of its own, and `$all` one clause per value: FerretDB v1
 * applies a field's operators together to each document of an array on the way (`a.x: { $gte: b,
 * $lt: K }` needs one `a[i]` whose `x` holds both bounds, `a.x: { $all: [p, q] }` one whose `x` holds
 * both values), where MongoDB, like the evaluator, lets each operator hold on any of them.
 */
function translateField(
  key: string,
  operand: JsonValue,
  nowMs: number,
  mapPath: (path: string) => string,
): { ops: unknown; clauses: Doc[] } {
  if (!isOperatorObject(operand)) return { ops: operand, clauses: [] };
  const path = mapPath(key);
  const apart = key.includes('.');
  const ops: Doc = {};
  const clauses: Doc[] = [];
  const putGroup = (group: Doc): void => {
    const taken = apart ? Object.keys(ops).length > 0 : Object.keys(group).some((op) => Object.hasOwn(ops, op));
    if (taken) clauses.push({ [path]: group });
    else for (const [op, value] of Object.entries(group)) setOwn(ops, op, value);
  };
  const put = (op: string, value: unknown): void => putGroup({ [op]: value });
  const negate = (positive: Condition): void => {
    clauses.push({ $nor: [translateDocument(positive, nowMs, mapPath)] });
  };
  const all = operand as Record<string, JsonValue>;
  for (const [op, arg] of Object.entries(all)) {
    if (op === '$ne') negate({ [key]: { $eq: arg } });
    else if (op === '$nin') negate({ [key]: { $in: arg } });
    else if (op === '$not') negate({ [key]: arg });
    else if (op === '$elemMatch' && isPlainObject(arg)) put(op, translateElemMatch(arg, nowMs));
    // `$options` belongs to its `$regex`, in the same clause.
    else if (op === '$regex')
      putGroup(Object.hasOwn(all, '$options') ? { $regex: arg, $options: all.$options } : { $regex: arg });
    else if (op === '$options' && Object.hasOwn(all, '$regex')) continue;
    else if (op === '$all' && apart && Array.isArray(arg)) for (const value of arg) put(op, [value]);
    else putTranslated(put, op, arg, nowMs);
  }
  return { ops: Object.keys(ops).length > 0 ? ops : undefined, clauses };
}

function putTranslated(put: (op: string, value: unknown) => void, op: string, arg: unknown, nowMs: number): void {
  if (op === '$olderThan' && typeof arg === 'number') put('$lt', new Date(nowMs - arg));
  else if (op === '$withinLast' && typeof arg === 'number') put('$gte', new Date(nowMs - arg));
  else put(op, arg);
}

/** `$elemMatch` keeps its operators as written (paths inside are relative to the element). */
function translateElemMatch(arg: Doc, nowMs: number): unknown {
  if (!isOperatorObject(arg)) return translateDocument(arg, nowMs, (p) => p);
  const ops: Doc = {};
  for (const [op, value] of Object.entries(arg)) {
    if (op === '$not' && isPlainObject(value)) setOwn(ops, op, translateElemMatch(value, nowMs));
    else if (op === '$elemMatch' && isPlainObject(value)) setOwn(ops, op, translateElemMatch(value, nowMs));
    else putTranslated((o, v) => setOwn(ops, o, v), op, value, nowMs);
  }
  return ops;
}

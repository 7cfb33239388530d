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
 * `$lt: Date(now - ms)`, `$withinLast: ms` becomes `$gte: Date(now - ms)`, a top-level `$not`
 * becomes `$nor`. The result holds Date objects, so it is not JSON.
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
      const { ops, overflow } = translateField(operand, nowMs, mapPath);
      setOwn(out, mapPath(key), ops);
      for (const more of overflow) extra.push({ [mapPath(key)]: more });
    }
  }
  if (extra.length > 0) out['$and'] = [...((out['$and'] as Doc[] | undefined) ?? []), ...extra];
  return out;
}

function asConditions(operand: JsonValue | undefined): Condition[] {
  if (!Array.isArray(operand)) return [];
  return operand.filter((c): c is Condition => isPlainObject(c));
}

function translateField(
  operand: JsonValue,
  nowMs: number,
  mapPath: (path: string) => string,
): { ops: unknown; overflow: Doc[] } {
  if (!isOperatorObject(operand)) return { ops: operand, overflow: [] };
  const ops: Doc = {};
  const overflow: Doc[] = [];
  const put = (op: string, value: unknown): void => {
    if (Object.hasOwn(ops, op)) overflow.push({ [op]: value });
    else setOwn(ops, op, value);
  };
  for (const [op, arg] of Object.entries(operand as Record<string, JsonValue>)) {
    if (op === '$olderThan' && typeof arg === 'number') put('$lt', new Date(nowMs - arg));
    else if (op === '$withinLast' && typeof arg === 'number') put('$gte', new Date(nowMs - arg));
    else if (op === '$not') put('$not', translateField(arg, nowMs, mapPath).ops);
    else if (op === '$elemMatch' && isPlainObject(arg)) put(op, translateElemMatch(arg, nowMs, mapPath));
    else put(op, arg);
  }
  return { ops, overflow };
}

function translateElemMatch(arg: Doc, nowMs: number, mapPath: (path: string) => string): unknown {
  if (isOperatorObject(arg)) return translateField(arg as JsonValue, nowMs, mapPath).ops;
  return translateDocument(arg, nowMs, (p) => p);
}

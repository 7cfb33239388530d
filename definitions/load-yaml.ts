/**
 * Reads a YAML definition into a plain value plus a map from document paths to source positions,
 * collecting YAML problems (syntax, tabs, duplicate keys) instead of throwing.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Alias, Document, Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import type { ProblemSink, Position } from './errors.js';

/** A document path: mapping keys and sequence indexes from the root. */
export type DocPath = readonly (string | number)[];

/** Source positions of every node of a document. */
export class PositionMap {
  private readonly values = new Map<string, Position>();
  private readonly keys = new Map<string, Position>();

  /** @internal Records the node whose path id (keys joined by NUL) is `id`. */
  record(id: string, value: Position, key?: Position): void {
    this.values.set(id, value);
    if (key) this.keys.set(id, key);
  }

  /** Position of the value at `path`, or of its closest ancestor that exists. */
  valueAt(path: DocPath): Position {
    for (let n = path.length; n >= 0; n--) {
      const found = this.values.get(pathId(path.slice(0, n)));
      if (found) return found;
    }
    return { line: 1, col: 1 };
  }

  /** Position of the key naming `path` (its value's position for sequence items). */
  keyAt(path: DocPath): Position {
    return this.keys.get(pathId(path)) ?? this.valueAt(path);
  }
}

function pathId(path: DocPath): string {
  return path.map(String).join(SEP);
}

const SEP = '\u0000';

function childId(parent: string, key: string | number, root: boolean): string {
  return root ? String(key) : `${parent}${SEP}${key}`;
}

/**
 * Deepest nesting of mappings and lists read. A journey needs a few dozen levels at most; the limit
 * keeps the YAML library and the compiler's recursion far from the call stack's end.
 */
export const MAX_NESTING = 100;

const TOO_DEEP = `nested more than ${MAX_NESTING} levels deep; move the inner steps or conditions up a level`;

/** The outcome of reading a YAML text: `value` is `undefined` when the text could not be read. */
export interface LoadedYaml {
  value: unknown;
  positions: PositionMap;
  /** True when YAML problems were found; the value must not be trusted then. */
  failed: boolean;
}

/** Parses `source`, records YAML problems into `sink`, and maps every node to its position. */
export function loadYaml(source: string, sink: ProblemSink): LoadedYaml {
  const lineCounter = new LineCounter();
  const positions = new PositionMap();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  let failed = reportYamlProblems(source, doc, lineCounter, sink);
  const walker: Walker = { positions, lines: lineCounter, aliases: [], nonFinite: [], depth: 0 };
  let value = doc.contents ? walk(doc.contents, '', true, walker) : null;
  for (const { at, path } of walker.nonFinite) {
    // The plan is JSON, which has no NaN or infinity.
    sink.add('OUT_OF_RANGE', 'this number is too large or not a number; write an ordinary number', at, path);
  }
  // The YAML library may have given up on the same nesting already.
  if (walker.tooDeep && !sink.problems.some((p) => p.code === 'NESTED_TOO_DEEP')) {
    sink.add('NESTED_TOO_DEEP', TOO_DEEP, walker.tooDeep, []);
    failed = true;
  }
  if (reportBadAliases(doc, walker, sink)) failed = true;
  if (!failed && walker.aliases.length > 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch {
      // Alias bombs only surface when the document is converted.
      const message = 'its aliases expand to too much data; write the repeated parts out or use fewer aliases';
      sink.add('YAML_SYNTAX', message, positions.valueAt([]), []);
      failed = true;
    }
  }
  return { value: failed ? undefined : value, positions, failed };
}

/** Reports aliases without an anchor and aliases inside their own anchor (a document cannot contain itself). */
function reportBadAliases(doc: Document, walker: Walker, sink: ProblemSink): boolean {
  let bad = false;
  for (const alias of walker.aliases) {
    const target = alias.resolve(doc);
    const at = toPosition(alias, walker.lines);
    const name = alias.source;
    if (target === undefined) {
      sink.add('YAML_SYNTAX', `unknown alias *${name}; define &${name} before using it`, at, []);
      bad = true;
    } else if (contains(target, alias)) {
      sink.add('YAML_SYNTAX', `*${name} is used inside &${name} itself; a value cannot contain itself`, at, []);
      bad = true;
    }
  }
  return bad;
}

function contains(outer: YamlNode, inner: YamlNode): boolean {
  const [start, end] = outer.range ?? [0, 0];
  const at = inner.range?.[0] ?? -1;
  return at >= start && at < end;
}

/**
 * Records tabs in indentation, syntax errors and duplicate keys; true when the document cannot be
 * trusted. A duplicate key alone leaves it readable (the last value wins), so the other mistakes
 * of the file are still reported in the same run.
 */
function reportYamlProblems(source: string, doc: Document, lineCounter: LineCounter, sink: ProblemSink): boolean {
  const tabs = findIndentTabs(source);
  for (const at of tabs) sink.add('YAML_TAB', 'tabs are not allowed in indentation; indent with spaces', at, []);
  // A tab breaks the structure: the parser's own complaints about it would only repeat the same mistake.
  if (tabs.length > 0) return true;
  let fatal = false;
  for (const error of [...doc.errors, ...doc.warnings]) {
    const at = lineCounter.linePos(error.pos[0]);
    if (error.code === 'DUPLICATE_KEY') {
      sink.add('DUPLICATE_KEY', duplicateKeyMessage(source, error.pos[0]), { line: at.line, col: at.col }, []);
    } else if (/call stack/i.test(error.message)) {
      // The YAML library gives up on very deep nesting with the runtime's own words.
      sink.add('NESTED_TOO_DEEP', TOO_DEEP, { line: at.line, col: at.col }, []);
      fatal = true;
    } else {
      sink.add('YAML_SYNTAX', firstLine(error.message), { line: at.line, col: at.col }, []);
      fatal = true;
    }
  }
  return fatal;
}

function duplicateKeyMessage(source: string, offset: number): string {
  const match = /^(?:"([^"\n]*)"|'([^'\n]*)'|([^:\n]+?))\s*:/.exec(source.slice(offset));
  const key = match?.[1] ?? match?.[2] ?? match?.[3];
  const name = key === undefined ? 'this key' : `"${key}"`;
  return `${name} is already set earlier in the same mapping; keep one of them`;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

function findIndentTabs(source: string): Position[] {
  const found: Position[] = [];
  source.split(/\r?\n/).forEach((text, index) => {
    const indent = /^[ \t]*/.exec(text)?.[0] ?? '';
    const tab = indent.indexOf('\t');
    if (tab >= 0 && text.trim() !== '') found.push({ line: index + 1, col: tab + 1 });
  });
  return found;
}

interface Walker {
  positions: PositionMap;
  lines: LineCounter;
  /** Aliases met: when there are any, the value is rebuilt by the YAML library, which resolves them. */
  aliases: Alias[];
  /** Where `.inf`, `.nan` or numbers beyond a double were written. */
  nonFinite: { at: Position; path: string[] }[];
  /** Nesting of the node being walked, and the first node beyond {@link MAX_NESTING}. */
  depth: number;
  tooDeep?: Position;
}

/** Records the position of every node and builds the plain value in the same pass. */
function walk(node: YamlNode, id: string, root: boolean, walker: Walker, key?: Position): unknown {
  walker.positions.record(id, toPosition(node, walker.lines), key);
  if (isMap(node) || isSeq(node)) {
    if (walker.depth >= MAX_NESTING) {
      walker.tooDeep ??= toPosition(node, walker.lines);
      return null;
    }
    walker.depth += 1;
    try {
      return isMap(node) ? walkMap(node, id, root, walker) : walkSeq(node, id, root, walker);
    } finally {
      walker.depth -= 1;
    }
  }
  if (isScalar(node)) {
    if (typeof node.value === 'number' && !Number.isFinite(node.value)) {
      walker.nonFinite.push({ at: toPosition(node, walker.lines), path: id === '' ? [] : id.split(SEP) });
    }
    // JSON has no negative zero: the plan must read back exactly as it was written.
    return Object.is(node.value, -0) ? 0 : node.value;
  }
  if (isAlias(node)) walker.aliases.push(node);
  return null;
}

function walkMap(node: YAMLMap, id: string, root: boolean, walker: Walker): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of node.items) {
    const keyNode = pair.key as YamlNode | null;
    const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const keyPos = keyNode ? toPosition(keyNode, walker.lines) : toPosition(node, walker.lines);
    const child = pair.value as YamlNode | null;
    const childPath = childId(id, name, root);
    let value: unknown = null;
    if (child && !isEmptyScalar(child)) value = walk(child, childPath, false, walker, keyPos);
    else walker.positions.record(childPath, keyPos, keyPos);
    // A "__proto__" key is data, not the object's prototype.
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function walkSeq(node: YAMLSeq, id: string, root: boolean, walker: Walker): unknown[] {
  return node.items.map((item, index) =>
    item ? walk(item as YamlNode, childId(id, index, root), false, walker) : null,
  );
}

/** `key:` with nothing after it: point at the key rather than the end of the line. */
function isEmptyScalar(node: YamlNode): boolean {
  return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
}

function toPosition(node: YamlNode, lines: LineCounter): Position {
  const offset = node.range?.[0] ?? 0;
  const at = lines.linePos(offset);
  return { line: at.line, col: at.col };
}

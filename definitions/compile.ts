/**
 * `compileJourney`: YAML source -> validated plan, or every problem found, in one pass.
 */
import { createHash } from 'node:crypto';
import { PLAN_VERSION } from './plan.js';
import type { Plan, TemplateRef } from './plan.js';
import { ProblemSink, sortProblems } from './errors.js';
import type { DefinitionError } from './errors.js';
import { loadYaml } from './load-yaml.js';
import { shallowJourneySchema } from './schema.js';
import { reportIssues } from './shape-issues.js';
import { parseStepList } from './parse-steps.js';
import type { StepNode } from './parse-steps.js';
import type { CompileContext } from './context.js';
import { compileHeader } from './compile-header.js';
import type { Header, HeaderInput } from './compile-header.js';
import { assignStepIds } from './step-ids.js';
import { compileSteps } from './compile-steps.js';
import type { CompiledSteps } from './compile-steps.js';
import { checkSendTemplates } from './check-templates.js';
import type { TemplateCatalog } from './templates.js';

/** Options of {@link compileJourney}. */
export interface CompileOptions {
  /** Templates by name; when absent, template references are not checked (and pinned as null). */
  templates?: TemplateCatalog;
  /** The folder the catalog was read from, named when a template is not found. */
  templatesDir?: string;
  /** Declared site links (`links.yaml`); when absent, `{{ links.x }}` is not checked. */
  links?: Readonly<Record<string, string>>;
  /** Declared profile fields; when absent, undeclared fields and variables are not warned about. */
  profileFields?: Iterable<string>;
  /** The declared profile fields of type `date` (stored as dates); only read when `profileFields` is given. */
  dateFields?: Iterable<string>;
  /** Rich menu names (`richmenus/<name>.yaml`); when absent, `line_richmenu` names are checked for form only. */
  richMenus?: Iterable<string>;
}

/** The outcome of a compilation; warnings never prevent a plan. */
export type CompileResult =
  | { ok: true; plan: Plan; warnings: DefinitionError[] }
  | { ok: false; errors: DefinitionError[]; warnings: DefinitionError[] };

/**
 * Compiles the journey YAML `source` (read from `file`, used in messages) into a {@link Plan}.
 * Never throws: every problem, with its line and column, is in `errors`.
 */
export function compileJourney(source: string, file: string, options: CompileOptions = {}): CompileResult {
  const sink = new ProblemSink(file);
  try {
    return compileInto(sink, source, options);
  } catch (error) {
    const message = `internal compiler error: ${error instanceof Error ? error.message : String(error)}`;
    sink.add('INTERNAL_ERROR', message, { line: 1, col: 1 }, []);
    return finish(sink, null);
  }
}

function compileInto(sink: ProblemSink, source: string, options: CompileOptions): CompileResult {
  const loaded = loadYaml(source, sink);
  if (loaded.failed) return finish(sink, null);
  const value = loaded.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    sink.add('NOT_A_MAPPING', 'a journey is a YAML mapping starting with "journey: <id>"', { line: 1, col: 1 }, []);
    return finish(sink, null);
  }
  const doc = value as Record<string, unknown>;
  const ctx: CompileContext = {
    sink,
    positions: loaded.positions,
    profileFields: options.profileFields === undefined ? undefined : new Set(options.profileFields),
    dateFields: new Set(options.profileFields === undefined ? [] : (options.dateFields ?? [])),
    ...(options.richMenus === undefined ? {} : { richMenus: new Set(options.richMenus) }),
    entryEvent: entryEventOf(doc),
    eventScope: null,
    listens: new Map(),
    eventFields: new Map(),
  };
  const shallow = shallowJourneySchema.safeParse(doc);
  if (!shallow.success) {
    reportIssues(shallow.error.issues, {
      sink,
      positions: ctx.positions,
      base: [],
      value: doc,
      schema: shallowJourneySchema,
    });
  }
  const header = compileHeader(ctx, shallow.success ? shallow.data : validSections(doc));
  const nodes = Array.isArray(doc['steps']) ? parseStepList(doc['steps'], ['steps'], sink, ctx.positions) : [];
  const valid = nodes.filter((n): n is StepNode => n !== null);
  const ids = assignStepIds(ctx, valid);
  const steps = compileSteps(ctx, valid, ids);
  const templates = checkSendTemplates(ctx, steps.sends, options);
  if (!shallow.success || sink.errors.length > 0) return finish(sink, null);
  const order = [...ids.values()];
  return finish(sink, buildPlan(ctx, shallow.data, header, steps, templates, source, order));
}

function entryEventOf(doc: Record<string, unknown>): string | null {
  const entry = doc['entry'];
  if (typeof entry !== 'object' || entry === null) return null;
  const event = (entry as Record<string, unknown>)['event'];
  return typeof event === 'string' ? event : null;
}

/** The top-level sections whose own shape is valid, so one bad section does not hide the others' mistakes. */
function validSections(doc: Record<string, unknown>): HeaderInput {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(shallowJourneySchema.shape)) {
    const parsed = schema.safeParse(doc[key]);
    if (parsed.success && doc[key] !== undefined) out[key] = parsed.data;
  }
  return out;
}

interface PinnedTemplates {
  refs: Record<string, TemplateRef>;
  sources: string[];
}

function buildPlan(
  ctx: CompileContext,
  journey: { journey: string; name: string; transactional?: boolean | undefined },
  header: Header,
  steps: CompiledSteps,
  templates: PinnedTemplates,
  source: string,
  order: string[],
): Plan | null {
  const { entry, reentry, holdoutPercent, policy } = header;
  if (entry === null || reentry === null || holdoutPercent === null || policy === null) return null;
  return {
    planVersion: PLAN_VERSION,
    journeyId: journey.journey,
    name: journey.name,
    // Only when set: the plans of every other journey stay as they were.
    ...(journey.transactional === true ? { transactional: true as const } : {}),
    contentHash: sha256([source, ...templates.sources].join('\u0000')),
    entry,
    reentry,
    holdoutPercent,
    exits: header.exits,
    goals: header.goals,
    policy,
    start: steps.start,
    steps: inDocumentOrder(steps.steps, order),
    listens: sortedRecord(ctx.listens, (reasons) => [...reasons].sort()),
    eventFields: sortedRecord(ctx.eventFields, (fields) => [...fields].sort()),
    templates: templates.refs,
  };
}

function inDocumentOrder<V>(record: Record<string, V>, order: string[]): Record<string, V> {
  const out: Record<string, V> = {};
  for (const id of order) {
    const value = record[id];
    if (value !== undefined) out[id] = value;
  }
  return out;
}

function sortedRecord<V, R>(map: Map<string, V>, convert: (value: V) => R): Record<string, R> {
  const out: Record<string, R> = {};
  for (const key of [...map.keys()].sort()) out[key] = convert(map.get(key) as V);
  return out;
}

/** Hex sha256 of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function finish(sink: ProblemSink, plan: Plan | null): CompileResult {
  const errors = sortProblems(sink.errors);
  const warnings = sortProblems(dedupe(sink.warnings));
  if (plan === null || errors.length > 0) {
    if (errors.length === 0) sink.add('INTERNAL_ERROR', 'the journey could not be compiled', { line: 1, col: 1 }, []);
    return { ok: false, errors: sortProblems(dedupe(sink.errors)), warnings };
  }
  return { ok: true, plan, warnings };
}

function dedupe(problems: DefinitionError[]): DefinitionError[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.col}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

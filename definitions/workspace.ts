/**
 * Workspace-wide settings (`definitions/workspace.yaml`): what holds for every journey of the shop,
 * today the LINE message budget. Validated like a journey: every problem with its file, line, column
 * and code, never thrown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ProblemSink, formatDefinitionError, type DefinitionError } from './errors.js';
import { loadYaml } from './load-yaml.js';
import { reportIssues } from './shape-issues.js';

/** The file's name in a definitions folder. */
export const WORKSPACE_FILE = 'workspace.yaml';

const count = (description: string) => z.number().int().min(0).meta({ description });

/** The workspace file's language; the zod schema is its single source of truth. */
export const workspaceSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'The JSON Schema editors check this file with.' }),
    line_budget: z
      .strictObject({
        monthly: count('LINE messages a month (pushes, one per recipient), across every journey.').min(1),
        reserve: count(
          'Kept for transactional journeys (transactional: true): marketing sends stop at monthly - reserve.',
        ).optional(),
      })
      .optional()
      .meta({ description: 'The LINE message budget: past it, sends fall back to email or are skipped.' }),
  })
  .meta({ title: 'Kizuna workspace', description: 'Settings that hold for every journey of the shop.' });

/** The LINE message budget of a month, as the delivery applies it. */
export interface LineBudgetPolicy {
  /** LINE messages a month, every journey together. */
  monthly: number;
  /** The part of `monthly` only transactional journeys may use. @default 0 */
  reserve: number;
}

/** The workspace settings, resolved (defaults applied). */
export interface WorkspaceSettings {
  /** `null`: no budget (LINE's own quota is then not read before sends either). */
  lineBudget: LineBudgetPolicy | null;
}

export type WorkspaceResult = { ok: true; settings: WorkspaceSettings } | { ok: false; errors: DefinitionError[] };

/** Validates the workspace YAML `source` (read from `file`, named in errors). Never throws. */
export function checkWorkspace(source: string, file: string): WorkspaceResult {
  const sink = new ProblemSink(file);
  const loaded = loadYaml(source, sink);
  if (loaded.failed) return { ok: false, errors: sink.errors };
  // An empty file (or one of comments only) sets nothing.
  const value = loaded.value ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    sink.add('NOT_A_MAPPING', 'the workspace file is a YAML mapping, e.g. "line_budget: { monthly: 5000 }"', at1, []);
    return { ok: false, errors: sink.errors };
  }
  const parsed = workspaceSchema.safeParse(value);
  if (!parsed.success) {
    reportIssues(parsed.error.issues, { sink, positions: loaded.positions, base: [], value, schema: workspaceSchema });
    return { ok: false, errors: sink.errors };
  }
  const budget = parsed.data.line_budget;
  const lineBudget = budget ? { monthly: budget.monthly, reserve: budget.reserve ?? 0 } : null;
  if (lineBudget && lineBudget.reserve >= lineBudget.monthly) {
    const path = ['line_budget', 'reserve'];
    const message = `the reserve (${lineBudget.reserve}) must be less than monthly (${lineBudget.monthly}): marketing sends get monthly - reserve`;
    sink.add('OUT_OF_RANGE', message, loaded.positions.valueAt(path), path);
    return { ok: false, errors: sink.errors };
  }
  return { ok: true, settings: { lineBudget } };
}

const at1 = { line: 1, col: 1 };

/** Thrown by {@link loadWorkspace} when the file has errors; the message lists them, one a line. */
export class WorkspaceSettingsError extends Error {
  constructor(readonly errors: DefinitionError[]) {
    super(errors.map((e) => formatDefinitionError(e)).join('\n'));
    this.name = 'WorkspaceSettingsError';
  }
}

/**
 * The settings of the definitions folder `definitionsDir` (`workspace.yaml`; no file: no settings).
 * Throws {@link WorkspaceSettingsError} when the file is not valid: a budget typed wrong must stop the
 * process at start, not let every message through.
 */
export function loadWorkspace(definitionsDir: string): WorkspaceSettings {
  const file = join(definitionsDir, WORKSPACE_FILE);
  if (!existsSync(file)) return { lineBudget: null };
  const result = checkWorkspace(readFileSync(file, 'utf8'), file);
  if (!result.ok) throw new WorkspaceSettingsError(result.errors);
  return result.settings;
}

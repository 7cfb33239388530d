/**
 * Everything the journey page shows, read through the API's own functions: head and versions
 * (api/journeys/catalog.ts), the version's funnel (api/journeys/stats.ts, the counters behind
 * `GET /v1/journeys/:id/stats`), the breakdown by a profile field (api/journeys/stats-by.ts), and the
 * runs waiting at each step (Temporal's visibility through the runtime port, until when from the journal).
 */
import type { Plan } from '../../../definitions/plan.js';
import { BREAKDOWN_FIELDS } from '../../../store/journal-breakdowns.js';
import { findRunWaitUntil } from '../../../store/journal.js';
import { listVersions, loadVersion, type JourneyHead, type JourneyVersionInfo } from '../../journeys/catalog.js';
import { requireHead } from '../../journeys/control.js';
import { journeyStats, type JourneyStats } from '../../journeys/stats.js';
import { journeyStatsBy, type JourneyStatsBy } from '../../journeys/stats-by.js';
import type { ConsoleDeps } from '../deps.js';
import { ConsoleError } from '../errors.js';

/** Waiting runs of one step: how many, and the earliest and latest wake-up among those sampled. */
export interface StepWaiting {
  count: number;
  sampled: number;
  earliestMs: number | null;
  latestMs: number | null;
}

/** What the journey page renders. */
export interface JourneyView {
  head: JourneyHead;
  versions: JourneyVersionInfo[];
  version: number;
  plan: Plan;
  source: string;
  stats: JourneyStats;
  by: JourneyStatsBy['by'] | null;
  /** By step id; null when the runtime cannot tell (no visibility). */
  waiting: Map<string, StepWaiting> | null;
}

/** Runs per step whose wake-up time is read from the journal. */
export const WAITING_SAMPLE = 20;

/** The version asked for (`?version=`), else the head's; a 404 page for a version that does not exist. */
function versionOf(raw: unknown, head: JourneyHead, versions: JourneyVersionInfo[]): number {
  if (raw === undefined || raw === '') return head.version;
  const version = typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN;
  if (!versions.some((v) => v.version === version)) {
    throw new ConsoleError(404, 'NOT_FOUND', `No version ${typeof raw === 'string' ? raw : '?'} of ${head.journeyId}.`);
  }
  return version;
}

/** The breakdown field asked for (`?by=`), or null; anything else than a counted field is refused. */
function byOf(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw === 'string' && (BREAKDOWN_FIELDS as readonly string[]).includes(raw)) return raw;
  throw new ConsoleError(400, 'BAD_REQUEST', `"by" is one of ${BREAKDOWN_FIELDS.join(', ')}.`);
}

async function readWaiting(deps: ConsoleDeps, journeyId: string, version: number, plan: Plan) {
  if (!deps.runtime.waitingRuns) return null;
  const stepIds = Object.keys(plan.steps);
  const steps = await deps.runtime.waitingRuns({ journeyId, version, stepIds, sample: WAITING_SAMPLE });
  const waiting = new Map<string, StepWaiting>();
  for (const step of steps) {
    const found = await Promise.all(
      step.sample.map((run) => findRunWaitUntil(deps.models, { ...run, journeyId, stepId: step.stepId })),
    );
    const untils = found.filter((ms): ms is number => ms !== null);
    waiting.set(step.stepId, {
      count: step.count,
      sampled: step.sample.length,
      earliestMs: untils.length > 0 ? Math.min(...untils) : null,
      latestMs: untils.length > 0 ? Math.max(...untils) : null,
    });
  }
  return waiting;
}

/** Reads the journey page's data; 404 for an unknown journey or version, 400 for an unknown field. */
export async function loadJourneyView(deps: ConsoleDeps, journeyId: string, query: Record<string, unknown>) {
  const head = await requireHead(deps.models, journeyId);
  const versions = await listVersions(deps.models, journeyId);
  const version = versionOf(query.version, head, versions);
  const field = byOf(query.by);
  const loaded = await loadVersion(deps.models, journeyId, version);
  if (!loaded) throw new ConsoleError(404, 'NOT_FOUND', `No version ${version} of ${journeyId}.`);
  const [stats, byStats, waiting] = await Promise.all([
    journeyStats(deps.models, journeyId, version),
    field === null ? null : journeyStatsBy(deps.models, journeyId, version, { field }),
    // Without Temporal the rest of the page still reads from the store; the table says it cannot tell.
    readWaiting(deps, journeyId, version, loaded.plan).catch((err: unknown) => {
      deps.logger.warn({ err: { message: (err as Error)?.message } }, 'console: waiting runs unavailable');
      return null;
    }),
  ]);
  const view: JourneyView = {
    head,
    versions,
    version,
    plan: loaded.plan,
    source: loaded.source,
    stats,
    by: byStats?.by ?? null,
    waiting,
  };
  return view;
}

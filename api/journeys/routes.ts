/** `/v1/journeys`: publish, list, read (with graphs), pause / resume / archive, API entries, stats. */
import type express from 'express';
import { Router, type Request } from 'express';
import { Graphviz } from '@hpcc-js/wasm-graphviz';
import type { CompileOptions } from '../../definitions/compile.js';
import { toDot, toMermaid } from '../../definitions/graph.js';
import type { Models } from '../../store/connection.js';
import type { Auth } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { getHead, listHeads, listVersions, loadVersion, type JourneyHead } from './catalog.js';
import { controlJourney, requireHead } from './control.js';
import { compileAndPublish } from './publish.js';
import { journeyStats } from './stats.js';
import { journeyStatsBy } from './stats-by.js';
import { enterByApi } from './entries.js';
import type { RuntimePort, SchedulesPort } from '../ports.js';
import type { EventRouter } from '../events/event-router.js';
import { entriesInput, journeyBundle } from '../http/schemas.js';
import { checkBagFirst, parseOrThrow } from '../http/validate.js';
import { jsonBody, textBody, YAML_TYPES } from '../http/body.js';

export interface JourneysRouteDeps {
  models: Models;
  auth: Auth;
  runtime: RuntimePort;
  schedules: SchedulesPort | null;
  eventRouter: EventRouter;
  compileOptions: CompileOptions;
  clock: () => number;
}

export function journeysRouter(deps: JourneysRouteDeps): Router {
  const router = Router();
  const read = deps.auth.require('journeys:read');
  const publish = deps.auth.require('journeys:publish');
  const wrap =
    (fn: (req: Request) => Promise<[number, unknown]>) =>
    (req: Request, res: express.Response, next: express.NextFunction) => {
      fn(req)
        .then(([status, body]) => res.status(status).json(body))
        .catch(next);
    };

  router.post(
    '/v1/journeys',
    publish,
    textBody(YAML_TYPES, '1mb'),
    jsonBody('4mb', YAML_TYPES),
    wrap(async (req) => {
      const input = typeof req.body === 'string' ? { journey: req.body } : parseOrThrow(journeyBundle, req.body ?? {});
      const result = await compileAndPublish(deps.models, deps.compileOptions, input);
      if (result.created) await afterPublish(deps, result.plan.journeyId);
      const { plan: _plan, ...body } = result;
      return [result.created ? 201 : 200, body];
    }),
  );

  router.get(
    '/v1/journeys',
    read,
    wrap(async () => [200, { journeys: await listHeads(deps.models) }]),
  );

  router.get(
    '/v1/journeys/:id',
    read,
    wrap(async (req) => {
      const head = await requireHead(deps.models, String(req.params.id));
      const version = versionParam(req, head);
      const loaded = await loadVersion(deps.models, head.journeyId, version);
      if (!loaded) throw new ApiError(404, 'JOURNEY_VERSION_NOT_FOUND', `No version ${version} of ${head.journeyId}.`);
      const graphviz = await Graphviz.load();
      return [
        200,
        {
          ...head,
          versions: await listVersions(deps.models, head.journeyId),
          shown: version,
          plan: loaded.plan,
          source: loaded.source,
          graph: { mermaid: toMermaid(loaded.plan), svg: graphviz.dot(toDot(loaded.plan), 'svg') },
        },
      ];
    }),
  );

  for (const action of ['pause', 'resume', 'archive'] as const) {
    router.post(
      `/v1/journeys/:id/${action}`,
      publish,
      wrap(async (req) => [200, await controlJourney(deps, String(req.params.id), action)]),
    );
  }

  router.post(
    '/v1/journeys/:id/entries',
    publish,
    jsonBody('1mb'),
    wrap(async (req) => {
      checkBagFirst(req.body, 'properties');
      const input = parseOrThrow(entriesInput, req.body ?? {});
      const head = await requireHead(deps.models, String(req.params.id));
      return [200, { results: await enterByApi(deps, head, input) }];
    }),
  );

  router.get(
    '/v1/journeys/:id/stats',
    read,
    wrap(async (req) => {
      const head = await requireHead(deps.models, String(req.params.id));
      // `recount=true` rebuilds the counters from the journal (slow: it reads every row of the version).
      const recount = booleanParam(req, 'recount');
      const version = versionParam(req, head);
      if (!(await loadVersion(deps.models, head.journeyId, version))) {
        throw new ApiError(404, 'JOURNEY_VERSION_NOT_FOUND', `No version ${version} of ${head.journeyId}.`);
      }
      if (req.query.by !== undefined && typeof req.query.by !== 'string') {
        throw new ApiError(400, 'VALIDATION_FAILED', '"by" names one profile field.', {
          problems: [{ path: 'by', code: 'invalid_type', message: '"by" is given once' }],
        });
      }
      if (typeof req.query.by === 'string') {
        return [200, await journeyStatsBy(deps.models, head.journeyId, version, { field: req.query.by, recount })];
      }
      return [200, await journeyStats(deps.models, head.journeyId, version, { recount })];
    }),
  );
  return router;
}

function versionParam(req: Request, head: JourneyHead): number {
  const raw = req.query.version;
  if (raw === undefined) return head.version;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,8}$/.test(raw)) {
    throw new ApiError(400, 'VALIDATION_FAILED', '"version" is a positive integer.');
  }
  return Number(raw);
}

/** A `true` / `false` query parameter (absent: false); anything else is refused, not read as false. */
function booleanParam(req: Request, name: string): boolean {
  const raw = req.query[name];
  if (raw === undefined) return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new ApiError(400, 'VALIDATION_FAILED', `"${name}" is true or false.`);
}

/** After a new version: the event router sees it at once, and a segment journey's schedule follows it. */
async function afterPublish(deps: JourneysRouteDeps, journeyId: string): Promise<void> {
  deps.eventRouter.invalidate();
  const head = await getHead(deps.models, journeyId);
  const loaded = head ? await loadVersion(deps.models, journeyId, head.version) : null;
  if (!head || !loaded || !deps.schedules) return;
  const entry = loaded.plan.entry;
  if (entry.type === 'segment') {
    await deps.schedules.upsert({ journeyId, version: head.version, cron: entry.cron, timezone: entry.timezone });
    if (head.status === 'paused') await deps.schedules.pause(journeyId);
  } else {
    await deps.schedules.remove(journeyId);
  }
}

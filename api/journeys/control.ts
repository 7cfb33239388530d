/**
 * Pause / resume / archive of a journey, shared by `POST /v1/journeys/:id/{action}` and the console's
 * buttons: the runtime's semantics (head status + running workflows), the segment schedule following,
 * and the event router told at once.
 */
import type { Models } from '../../store/connection.js';
import type { EventRouter } from '../events/event-router.js';
import { ApiError } from '../http/errors.js';
import type { RuntimePort, SchedulesPort } from '../ports.js';
import { getHead, type JourneyHead } from './catalog.js';

/** What a control needs. */
export interface JourneyControlDeps {
  models: Models;
  runtime: RuntimePort;
  schedules: SchedulesPort | null;
  eventRouter: EventRouter;
}

/** A journey control action. */
export type JourneyAction = 'pause' | 'resume' | 'archive';

/** The journey's head; throws a 404 `JOURNEY_NOT_FOUND` when it was never published. */
export async function requireHead(models: Models, journeyId: string): Promise<JourneyHead> {
  const head = await getHead(models, journeyId);
  if (!head) throw new ApiError(404, 'JOURNEY_NOT_FOUND', `No journey "${journeyId}".`);
  return head;
}

/**
 * Applies `action` to the journey and answers its head afterwards. Throws 404 for an unknown journey and
 * 409 `JOURNEY_ARCHIVED` to pause or resume an archived one.
 */
export async function controlJourney(deps: JourneyControlDeps, journeyId: string, action: JourneyAction) {
  const head = await requireHead(deps.models, journeyId);
  if (head.status === 'archived' && action !== 'archive') {
    throw new ApiError(409, 'JOURNEY_ARCHIVED', `${journeyId} is archived; publish it again to use it.`);
  }
  await deps.runtime.controlJourney({ journeyId, action });
  if (deps.schedules) {
    if (action === 'pause') await deps.schedules.pause(journeyId);
    if (action === 'resume') await deps.schedules.resume(journeyId);
    if (action === 'archive') await deps.schedules.remove(journeyId);
  }
  deps.eventRouter.invalidate();
  return getHead(deps.models, journeyId);
}

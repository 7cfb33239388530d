/**
 * An entry event that found its run already going and that the run would not act on (the journey
 * listens to it for entry only): it is not signalled, and the journal says it was dropped, so a
 * funnel and an operator see what became of it.
 */
import type { Plan } from '../definitions/plan.js';
import type { CustomerEvent } from '../engine/index.js';
import { appendJournal } from '../store/journal.js';
import type { JourneyHead } from '../store/journeys.js';
import type { RuntimeDeps } from './deps.js';

/** Why an entry event started no run. */
export type DropReason = 'already-in-journey' | 'missing-key';

/** Whether a run of `plan` acts on `type` other than by entering (an exit, goal, wait_for or repeat). */
export function actsOnBeyondEntry(listens: Plan['listens'], type: string): boolean {
  return (listens[type] ?? []).some((reason) => reason !== 'entry');
}

/** Journals that the entry event was dropped; one row per (run, event), so a retried entry writes it once. */
export async function journalDroppedEntry(
  deps: RuntimeDeps,
  input: { workflowId: string; head: JourneyHead; customerId: string; event: CustomerEvent; reason: DropReason },
): Promise<void> {
  const { workflowId, head, customerId, event, reason } = input;
  await appendJournal(deps.models, [
    {
      rowId: `${workflowId}/entry/${event.id}`,
      journeyId: head.journeyId,
      version: head.version,
      customerId,
      workflowId,
      stepId: null,
      stepKind: null,
      action: 'dropped',
      reason,
      detail: { event: event.type, eventId: event.id },
      atMs: event.timeMs,
    },
  ]);
}

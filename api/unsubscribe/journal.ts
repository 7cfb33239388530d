/**
 * The journal row of an unsubscription: the consent change, recorded in the journey whose message
 * carried the link, so per-journey figures can show who left from which campaign.
 */
import type { UnsubscribeClaims } from '../../channels/unsubscribe-token.js';
import type { Models } from '../../store/connection.js';
import { appendJournal, findLatestJournalRow } from '../../store/journal.js';
import { latestJourneyVersion } from '../../store/journeys.js';

/** The journal action of an unsubscription. */
export const UNSUBSCRIBED_ACTION = 'unsubscribed';

/**
 * Journals the consent change once per token (the row id is derived from it). The row joins the
 * customer's latest run of the journey (its row-id prefix and version), so stats count no extra run;
 * without one (its rows are gone) it stands alone under the journey's latest version.
 */
export async function journalUnsubscribe(
  models: Models,
  claims: UnsubscribeClaims,
  consent: string,
  atMs: number,
): Promise<void> {
  const { customerId, journeyId, channel } = claims;
  const workflowId = `kizuna/${journeyId}/${customerId}`;
  const latest = await findLatestJournalRow(models, { customerId, journeyId, workflowId });
  const run = latest ? latest.rowId.slice(0, latest.rowId.lastIndexOf('/')) : `${workflowId}/unsubscribe`;
  const version = latest?.version ?? (await latestJourneyVersion(models, journeyId));
  await appendJournal(models, [
    {
      rowId: `${run}/unsubscribe:${channel}:${claims.issuedAtMs}`,
      journeyId,
      version,
      customerId,
      workflowId,
      stepId: null,
      stepKind: null,
      action: UNSUBSCRIBED_ACTION,
      reason: 'one-click',
      detail: { channel, consent },
      atMs,
    },
  ]);
}

/**
 * The `lineRichMenu` activity: links the rich menu a `line_richmenu` step names to the customer's LINE
 * user, or unlinks it, through LINE's `/v2/bot/user/{userId}/richmenu/{richMenuId}` (the menu found by
 * its alias, as `kizuna publish` sets it). At least once is enough: linking the same menu twice, or
 * unlinking twice, leaves the user as once. Only the outcome leaves the activity, never the user id.
 */
import { HTTPFetchError } from '@line/bot-sdk';
import { ApplicationFailure } from '@temporalio/activity';
import { richMenuUser } from '../definitions/consent.js';
import { UnknownRichMenuError, type LineRichMenus } from '../channels/line-richmenus.js';
import type { LineRichMenuCommand, RichMenuMissReason, RichMenuResultInput } from '../engine/index.js';
import { findProfile } from '../store/customers.js';
import { appendJournal } from '../store/journal.js';
import type { Models } from '../store/connection.js';
import type { Answer, RequestInput } from './run-context.js';

/** LINE's rich menu calls the activity makes (channels/line-richmenus.ts). */
export type RichMenuPort = Pick<LineRichMenus, 'link' | 'unlink'>;

type RichMenuAnswer = Answer<RichMenuResultInput>;

/** The activity, on the store and LINE's rich menu client (`null`: no LINE channel token, answered `failed`). */
export function makeLineRichMenu(deps: { models: Models; richMenus: RichMenuPort | null }) {
  return async function lineRichMenu(input: RequestInput<LineRichMenuCommand>): Promise<RichMenuAnswer> {
    await appendJournal(deps.models, input.journal);
    const { command } = input;
    const answer = (status: RichMenuAnswer['status'], reason: RichMenuMissReason | null): RichMenuAnswer => ({
      type: 'richmenu_result',
      correlationId: command.correlationId,
      status,
      reason,
    });
    const userId = richMenuUser((await findProfile(deps.models, input.run.customerId)) ?? {});
    if (userId === null) return answer('skipped', 'no-line-user');
    if (deps.richMenus === null) return answer('failed', 'line-not-configured');
    try {
      if (command.link === null) await deps.richMenus.unlink(userId);
      else await deps.richMenus.link(userId, command.link);
      return answer('done', null);
    } catch (err) {
      return answer('failed', permanentReason(err));
    }
  };
}

/**
 * The reason of a refusal for good; anything else is thrown again for the activity's retries: LINE
 * 5xx and connection errors, and 429 after its `Retry-After`.
 */
function permanentReason(err: unknown): RichMenuMissReason {
  if (err instanceof UnknownRichMenuError) return 'unknown-rich-menu';
  if (!(err instanceof HTTPFetchError)) throw err;
  if (err.status === 429) {
    const seconds = Number(err.headers.get('retry-after'));
    throw ApplicationFailure.create({
      message: `LINE 429: ${err.statusText}`,
      type: 'LINE_RATE_LIMITED',
      ...(Number.isFinite(seconds) && seconds > 0 ? { nextRetryDelay: seconds * 1000 } : {}),
    });
  }
  if (err.status >= 500) throw err;
  return `line-${err.status}`;
}

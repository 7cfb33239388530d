/**
 * The activity factory: every activity receives its dependencies here, so the worker composes real
 * connections and tests compose the same real servers on their own ports. One activity per engine
 * request, each taking the engine's command and answering with the engine's input; all idempotent
 * when re-executed with the same command.
 */
import type { Models } from '../store/connection.js';
import { makeAudienceActivities } from './audience.js';
import type { Delivery } from './delivery-port.js';
import { makeClaimEntry, makeListOpenRuns, makeLoadPlan } from './entry.js';
import { makeFlushJournal } from './journal.js';
import { makeProfileActivities } from './profile.js';
import { makeSend } from './send.js';
import { makeLineRichMenu, type RichMenuPort } from './line-richmenu.js';
import { redactFailures } from './redact-failures.js';

export interface ActivityDeps {
  models: Models;
  /** The delivery layer (`createDelivery(...)` of channels/deliver.ts). */
  delivery: Delivery;
  /** LINE's rich menu calls (channels/line-richmenus.ts); absent = `line_richmenu` steps fail as `line-not-configured`. */
  richMenus?: RichMenuPort | null;
}

/** The activities, each failing without personal data (activities/redact-failures.ts). */
export function createActivities(deps: ActivityDeps) {
  return redactFailures({
    loadPlan: makeLoadPlan(deps),
    claimEntry: makeClaimEntry(deps),
    ...makeProfileActivities(deps),
    send: makeSend(deps),
    lineRichMenu: makeLineRichMenu({ models: deps.models, richMenus: deps.richMenus ?? null }),
    flushJournal: makeFlushJournal(deps),
    listOpenRuns: makeListOpenRuns(deps),
    ...makeAudienceActivities(deps),
  });
}

// Runs plans through the simulator and summarises journals for assertions.
import type { Plan } from '../../../definitions/plan.js';
import type { JournalRecord } from '../../../engine/commands.js';
import type { CustomerEvent } from '../../../engine/inputs.js';
import { simulateCustomer, type SimulationResult } from '../../../engine/simulator/simulate-customer.js';
import type { Profile } from '../../../engine/simulator/world.js';
import { DAY, T0 } from './plans.js';

export interface RunOptions {
  profile?: Profile;
  events?: CustomerEvent[];
  entryEvent?: CustomerEvent | null;
  startMs?: number;
  untilMs?: number;
  holdout?: boolean;
  customerId?: string;
  /** Profile fields declared `date`; by default none. */
  dateFields?: string[];
}

/** Profiles of these tests opt in to email unless they give `consent` themselves; LINE needs it said. */
function withConsent(profile: Profile): Profile {
  return 'consent' in profile ? profile : { ...profile, consent: { email: 'subscribed' } };
}

export function run(plan: Plan, options: RunOptions = {}): SimulationResult {
  const startMs = options.startMs ?? T0;
  return simulateCustomer({
    plan,
    customerId: options.customerId ?? 'cust-1',
    profile: withConsent(options.profile ?? { email: 'a@example.com' }),
    entryEvent: options.entryEvent ?? null,
    events: options.events ?? [],
    startMs,
    untilMs: options.untilMs ?? startMs + 60 * DAY,
    ...(options.holdout === undefined ? {} : { holdout: options.holdout }),
    ...(options.dateFields === undefined ? {} : { dateFields: options.dateFields }),
  });
}

/** "action[:reason] @step" lines, without times. */
export function actions(journal: JournalRecord[]): string[] {
  return journal.map(
    (r) => `${r.action}${r.reason === null ? '' : `:${r.reason}`}${r.stepId === null ? '' : ` @${r.stepId}`}`,
  );
}

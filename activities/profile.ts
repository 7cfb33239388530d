/**
 * The activities that read or write the customer's profile. Only decisions, zones and instants
 * leave them: profile values never enter workflow history.
 */
import { evaluateCondition, resolvePath } from '../definitions/conditions.js';
import { readDateValue, withDateFields } from '../definitions/dates.js';
import type {
  ConditionsEvaluatedInput,
  DateResolvedInput,
  EvaluateConditionsCommand,
  ProfileUpdatedInput,
  ResolveDateCommand,
  ResolveTimezoneCommand,
  TimezoneResolvedInput,
  UpdateProfileCommand,
} from '../engine/index.js';
import { findProfile, upsertProfile, type Profile } from '../store/customers.js';
import { appendJournal } from '../store/journal.js';
import type { Models } from '../store/connection.js';
import type { Answer, RequestInput } from './run-context.js';

/** Paths may be written `profile.x` or `x`; both name the profile field `x`. */
const profilePath = (path: string) => path.replace(/^profile\./, '');

function first(doc: unknown, path: string): unknown {
  return resolvePath(doc, path.split('.'))[0];
}

/** An erased or unknown customer reads as an empty profile: every condition on it is false. */
async function loadProfile(models: Models, customerId: string): Promise<Profile> {
  return (await findProfile(models, customerId)) ?? { customerId };
}

export function makeProfileActivities(deps: { models: Models }) {
  const { models } = deps;
  return {
    /** The customer's time zone from the profile, `null` when absent (the plan's fallback applies). */
    async resolveTimezone(input: RequestInput<ResolveTimezoneCommand>): Promise<Answer<TimezoneResolvedInput>> {
      await appendJournal(models, input.journal);
      const profile = await loadProfile(models, input.run.customerId);
      const zone = first(profile, profilePath(input.command.path));
      return {
        type: 'timezone_resolved',
        correlationId: input.command.correlationId,
        zone: typeof zone === 'string' ? zone : null,
      };
    },

    /** Evaluates the conditions on the profile (and `event.*` on the command's event); returns decisions only. */
    async evaluateConditions(
      input: RequestInput<EvaluateConditionsCommand>,
    ): Promise<Answer<ConditionsEvaluatedInput>> {
      await appendJournal(models, input.journal);
      const { command } = input;
      // Date text (a profile imported as JSON) reads as the date it names, in the run's zone, as the simulator reads it.
      const stored = await loadProfile(models, input.run.customerId);
      const profile = withDateFields(stored, Object.keys(stored), command.zone);
      const doc = { ...profile, event: command.event?.properties ?? {} };
      const decisions = command.conditions.map((c) => evaluateCondition(c, doc, command.nowMs));
      return { type: 'conditions_evaluated', correlationId: command.correlationId, decisions };
    },

    /** A date attribute of the profile or of the entry event, as epoch ms (`null` when missing). */
    async resolveDate(
      input: RequestInput<ResolveDateCommand> & { entryEventProperties: unknown },
    ): Promise<Answer<DateResolvedInput>> {
      await appendJournal(models, input.journal);
      const { command } = input;
      const source =
        command.source === 'profile' ? await loadProfile(models, input.run.customerId) : input.entryEventProperties;
      const path = command.source === 'profile' ? profilePath(command.path) : command.path;
      return {
        type: 'date_resolved',
        correlationId: command.correlationId,
        atMs: readDateValue(first(source, path), command.zone),
      };
    },

    /** Sets attributes and adds/removes tags; applying the same command twice changes nothing more. */
    async updateProfile(input: RequestInput<UpdateProfileCommand>): Promise<Answer<ProfileUpdatedInput>> {
      await appendJournal(models, input.journal);
      const { command } = input;
      const set = Object.fromEntries(Object.entries(command.set).map(([path, value]) => [profilePath(path), value]));
      await upsertProfile(models, input.run.customerId, {
        set,
        addTags: command.addTags,
        removeTags: command.removeTags,
      });
      return { type: 'profile_updated', correlationId: command.correlationId };
    },
  };
}

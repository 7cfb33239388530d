/**
 * The simulated outside world of one customer: answers the engine's requests from the profile
 * and the entry event, reserves frequency-cap slots as the delivery does, and applies profile
 * updates. Pure.
 */
import { evaluateCondition, resolvePath } from '../../definitions/conditions.js';
import { capRetryAt, consentBlock, consentChange, resolveChannel, richMenuUser } from '../../definitions/consent.js';
import { isDateText, readDateValue, withDateFields } from '../../definitions/dates.js';
import type { DeliveryChannel, JsonValue } from '../../definitions/plan.js';
import type { LineRichMenuCommand, RequestCommand, SendCommand } from '../commands.js';
import type { CommandResultInput, CustomerEvent } from '../inputs.js';

/** A customer profile as read from JSON: any fields, plus the ones the simulator understands. */
export type Profile = Record<string, unknown>;

/**
 * Epoch ms of sends per channel, for the frequency cap; shared by every run of a customer. A backtest
 * replays the runs one after another, so the ledger may hold sends later than a run's moment: the
 * world counts only those made by then.
 */
export type SendLedger = Record<DeliveryChannel, number[]>;

export function createSendLedger(): SendLedger {
  return { email: [], line: [] };
}

/** A journey's status as its head holds it: the delivery re-checks it before each send. */
export type JourneyStatus = 'active' | 'paused' | 'archived';

export class SimulatedWorld {
  /** The journey's status now; the simulation sets it as the operator's controls happen. */
  status: JourneyStatus = 'active';

  constructor(
    readonly profile: Profile,
    readonly entryEvent: CustomerEvent | null,
    readonly ledger: SendLedger,
    private readonly claim: (nowMs: number) => boolean = () => true,
    /** Profile fields declared `date`: the store holds them as dates. */
    private readonly dateFields: readonly string[] = [],
  ) {}

  /** The answer to a request, as the runtime's activities would give it. */
  answer(command: RequestCommand, nowMs: number): CommandResultInput {
    const { correlationId } = command;
    switch (command.type) {
      case 'claim_entry':
        return { type: 'entry_claimed', nowMs, correlationId, granted: this.claim(command.nowMs) };
      case 'resolve_timezone': {
        const zone = first(this.profile, command.path.replace(/^profile\./, ''));
        return { type: 'timezone_resolved', nowMs, correlationId, zone: typeof zone === 'string' ? zone : null };
      }
      case 'evaluate_conditions': {
        const doc = {
          ...datedProfile(this.profile, command.zone, this.dateFields),
          event: command.event?.properties ?? {},
        };
        const decisions = command.conditions.map((c) => evaluateCondition(c, doc, command.nowMs));
        return { type: 'conditions_evaluated', nowMs, correlationId, decisions };
      }
      case 'resolve_date': {
        const source = command.source === 'profile' ? this.profile : (this.entryEvent?.properties ?? {});
        const atMs = readDateValue(first(source, command.path), command.zone);
        return { type: 'date_resolved', nowMs, correlationId, atMs };
      }
      case 'send':
        return this.send(command, nowMs);
      case 'update_profile':
        this.updateProfile(command.set, command.addTags, command.removeTags);
        return { type: 'profile_updated', nowMs, correlationId };
      case 'line_richmenu':
        return this.linkRichMenu(command, nowMs);
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  }

  /**
   * Applies what a customer event changes in the world before any journey hears of it: a LINE follow or
   * unfollow, as the webhook stores it, and an unsubscription, as the unsubscribe link stores it.
   */
  observe(event: CustomerEvent): void {
    const change = consentChange(event);
    if (change === null) return;
    const consent = this.profile.consent;
    this.profile.consent = {
      ...(typeof consent === 'object' && consent !== null ? consent : {}),
      ...change.consent,
    };
    if (change.lineFollowing !== undefined) this.profile.lineFollowing = change.lineFollowing;
  }

  /**
   * As the send activity and the delivery do, with the same rules (`definitions/consent.ts`): check the
   * journey's status, resolve the channel, check
   * consent and address, reserve a cap slot, send. The ledger counts only sends made by `nowMs`: a
   * backtest replays runs one after another, and a later run's sends have not happened yet.
   */
  private send(command: SendCommand, nowMs: number): CommandResultInput {
    // As the send activity does: the head's status first, so a pause the run has not heard of holds it.
    const blocked = { type: 'send_result' as const, nowMs, correlationId: command.correlationId, channel: null };
    if (this.status === 'paused') return { ...blocked, status: 'held', reason: 'paused', retryAtMs: null };
    if (this.status === 'archived') return { ...blocked, status: 'skipped', reason: 'archived', retryAtMs: null };
    const channel = resolveChannel(command.channel, this.profile);
    const reason = consentBlock(channel, this.profile);
    const answer = { type: 'send_result' as const, nowMs, correlationId: command.correlationId, channel };
    if (reason !== null) return { ...answer, status: 'skipped', reason, retryAtMs: null };
    const sent = this.ledger[channel].filter((at) => at <= nowMs);
    const retryAtMs = command.cap === null ? null : capRetryAt(sent, command.cap, nowMs);
    if (retryAtMs !== null) return { ...answer, status: 'capped', reason: 'frequency-cap', retryAtMs };
    this.ledger[channel].push(nowMs);
    return { ...answer, status: 'sent', reason: null, retryAtMs: null };
  }

  /** As the runtime does (`richMenuUser`): a customer without a LINE user id is skipped. */
  private linkRichMenu(command: LineRichMenuCommand, nowMs: number): CommandResultInput {
    const answer = { type: 'richmenu_result' as const, nowMs, correlationId: command.correlationId };
    if (richMenuUser(this.profile) === null) return { ...answer, status: 'skipped', reason: 'no-line-user' };
    return { ...answer, status: 'done', reason: null };
  }

  private updateProfile(set: { [path: string]: JsonValue }, addTags: string[], removeTags: string[]): void {
    for (const [path, value] of Object.entries(set)) setPath(this.profile, path.replace(/^profile\./, ''), value);
    const tags = Array.isArray(this.profile.tags)
      ? this.profile.tags.filter((t) => !removeTags.includes(String(t)))
      : [];
    for (const tag of addTags) if (!tags.includes(tag)) tags.push(tag);
    this.profile.tags = tags;
  }
}

/**
 * The profile as conditions read it. JSON has no date type: date text in a field declared `date`
 * (`dateFields`, from profile-fields.yaml) is read in `zone` into the BSON date the store would hold
 * (`definitions/dates.ts`); every other field keeps its text, as the store keeps it.
 */
export function datedProfile(profile: Profile, zone: string, dateFields: readonly string[]): Profile {
  return withDateFields(profile, dateFields, zone);
}

/** Top-level profile fields holding date text that are not declared `date`: conditions read them as text. */
export function undeclaredDateText(profile: Profile, dateFields: readonly string[]): string[] {
  return Object.keys(profile).filter((field) => {
    const value = profile[field];
    return typeof value === 'string' && isDateText(value) && !dateFields.includes(field);
  });
}

function first(doc: unknown, path: string): unknown {
  return resolvePath(doc, path.split('.'))[0];
}

function setPath(doc: Profile, path: string, value: JsonValue): void {
  const parts = path.split('.');
  let target: Record<string, unknown> = doc;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1] ?? path] = value;
}

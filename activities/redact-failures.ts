/**
 * What an activity failure carries into Temporal: its message, details and stack are written to the
 * workflow history, which erasure cannot rewrite and which stays until the namespace's retention runs
 * out. SMTP and LINE answers quote addresses (`550 5.1.1 <hanako@example.jp>: no such user`), store
 * errors quote the keys they refused. So every failure leaves an activity with email addresses, LINE user
 * ids and the run's customer id replaced by placeholders; the type, the retry decision, the retry delay
 * and the codes stay, which is all the workflow and the retry policy read.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';

const EMAIL =
  /[^\s<>()[\]"',;:@]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/g;
const LINE_USER_ID = /\bU[0-9a-f]{32}\b/g;

/** `text` with addresses, LINE user ids and each of `known` (e.g. the customer id) replaced. */
export function redactPersonalData(text: string, known: readonly string[] = []): string {
  let out = text;
  // Longest first, so an id that contains another is replaced whole.
  for (const value of [...known].sort((a, b) => b.length - a.length)) {
    if (value.length >= 3) out = out.split(value).join('<customer>');
  }
  return out.replace(EMAIL, '<address>').replace(LINE_USER_ID, '<line-user>');
}

/** `value` with every string in it redacted (details are small JSON: codes, statuses). */
function redactDeep(value: unknown, known: readonly string[]): unknown {
  if (typeof value === 'string') return redactPersonalData(value, known);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, known));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, known)]));
  }
  return value;
}

/** The failure to throw instead of `err`: the same meaning for Temporal, without personal data. */
export function redactedFailure(err: unknown, known: readonly string[]): unknown {
  // Cancellation is Temporal's own signal to the activity: pass it on untouched.
  if (err instanceof CancelledFailure) return err;
  if (err instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      message: redactPersonalData(err.message, known),
      type: err.type ?? undefined,
      nonRetryable: err.nonRetryable ?? false,
      details: err.details ? (redactDeep(err.details, known) as unknown[]) : undefined,
      nextRetryDelay: (err.nextRetryDelay as string | number | null | undefined) ?? undefined,
    });
  }
  const e = err instanceof Error ? err : new Error(String(err));
  // What the SDK would make of a plain error (type = its name, retryable), minus the personal data.
  return ApplicationFailure.create({
    message: redactPersonalData(e.message, known),
    type: e.name,
    nonRetryable: false,
  });
}

/** Ids in an activity's input that name the customer: the run's customer id, or a `customerId` field. */
function customerIdsOf(input: unknown): string[] {
  const i = input as { run?: { customerId?: unknown }; customerId?: unknown } | null;
  return [i?.run?.customerId, i?.customerId].filter((v): v is string => typeof v === 'string');
}

/** Wraps every activity so that what it throws is {@link redactedFailure}. */
export function redactFailures<T extends Record<string, (input: never) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (input: never) => {
      try {
        return await activity(input);
      } catch (err) {
        throw redactedFailure(err, customerIdsOf(input));
      }
    };
  }
  return wrapped as T;
}

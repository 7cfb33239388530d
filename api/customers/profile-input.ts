/**
 * Turns a profile patch from a request into a `ProfilePatch` for `upsertProfile`: fields must be
 * declared in `definitions/profile-fields.yaml` (unknown ones are refused with UNKNOWN_PROFILE_FIELD,
 * not kept apart: a typo should fail loudly), values must have the declared type, dates become `Date`s
 * (a date-only value is that calendar day's midnight in the customer's zone), system fields are refused.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EMAIL_CONSENT, LINE_CONSENT, OPT_IN_FIELD, SYSTEM_FIELDS, type ProfilePatch } from '../../store/customers.js';
import { ApiError, type ApiErrorCode } from '../http/errors.js';
import { readDateValue } from '../../definitions/dates.js';
import type { Problem } from '../http/validate.js';
import { recipientAddressProblem } from '../../channels/recipient-address.js';

export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'array' | 'object';
export type ProfileFieldTypes = ReadonlyMap<string, FieldType>;

/** Fields outside profile-fields.yaml that the profile also holds. */
const EXTRA_FIELDS: [string, FieldType][] = [
  ['acquisitionSource', 'string'],
  ['churnedAt', 'date'],
];
const DEFAULT_ZONE = 'Asia/Tokyo';
const ZONE_DEPENDENT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;

/** Reads the declared field types of a `profile-fields.yaml`. Throws when the file is missing or malformed. */
export function loadProfileFieldTypes(file: string): ProfileFieldTypes {
  const doc = parse(readFileSync(file, 'utf8')) as { fields?: Record<string, { type?: string }> } | null;
  const types = new Map<string, FieldType>(EXTRA_FIELDS);
  for (const [name, spec] of Object.entries(doc?.fields ?? {})) types.set(name, (spec.type ?? 'string') as FieldType);
  return types;
}

/**
 * Validates `input` (the request's profile object) and returns the patch to apply. `zone` is the
 * customer's time zone (from the patch itself when it sets `timezone`). Throws a 400 naming every problem.
 */
export function toProfilePatch(input: Record<string, unknown>, types: ProfileFieldTypes, zone?: string): ProfilePatch {
  const problems: (Problem & { code: ApiErrorCode })[] = [];
  const set: Record<string, unknown> = {};
  let tz = zone ?? DEFAULT_ZONE;
  if (typeof input.timezone === 'string') {
    if (isTimeZone(input.timezone)) tz = input.timezone;
    else problems.push({ path: 'timezone', code: 'PROFILE_FIELD_TYPE', message: '"timezone" must be an IANA zone' });
  }
  for (const [field, value] of Object.entries(input)) {
    const type = types.get(field);
    if (SYSTEM_FIELDS.has(field)) {
      problems.push({
        path: field,
        code: 'SYSTEM_FIELD',
        message: `"${field}" is a system field and cannot be written`,
      });
    } else if (!type || field.startsWith('$') || field.includes('.')) {
      problems.push({
        path: field,
        code: 'UNKNOWN_PROFILE_FIELD',
        message: `"${field}" is not declared in definitions/profile-fields.yaml`,
      });
    } else if (field === 'timezone' && typeof value === 'string' && !isTimeZone(value)) {
      continue;
    } else if (value === null && field === 'consent') {
      // Removing consent would forget an unsubscribe; a later write could then subscribe again.
      problems.push({ path: field, code: 'PROFILE_FIELD_TYPE', message: '"consent" cannot be removed' });
    } else if (value === null) {
      set[field] = null;
    } else {
      const converted = convert(field, type, value, tz, problems);
      if (converted !== undefined) Object.assign(set, converted);
    }
  }
  if (problems.length > 0) {
    const first = (['SYSTEM_FIELD', 'UNKNOWN_PROFILE_FIELD', 'INVALID_EMAIL', 'PROFILE_FIELD_TYPE'] as const).find(
      (c) => problems.some((p) => p.code === c),
    );
    throw new ApiError(400, first ?? 'PROFILE_FIELD_TYPE', problems[0]!.message, { problems });
  }
  return { set };
}

function convert(
  field: string,
  type: FieldType,
  value: unknown,
  zone: string,
  problems: Problem[],
): Record<string, unknown> | undefined {
  const wrong = (expected: string) => {
    problems.push({ path: field, code: 'PROFILE_FIELD_TYPE', message: `"${field}" must be ${expected}` });
    return undefined;
  };
  if (field === 'consent') return convertConsent(value, problems);
  if (field === 'email') return convertEmail(value, problems);
  if (field === 'tags') {
    if (!Array.isArray(value) || !value.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 100))
      return wrong('an array of tag strings');
    return { tags: [...new Set(value)] };
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= 10_000 ? { [field]: value } : wrong('a string');
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { [field]: value } : wrong('a finite number');
    case 'boolean':
      return typeof value === 'boolean' ? { [field]: value } : wrong('true or false');
    case 'date': {
      const date = toDate(value, zone);
      return date ? { [field]: date } : wrong('a date ("2026-04-01") or an ISO date-time ("2026-04-01T10:00+09:00")');
    }
    case 'array':
      return Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)
        ? { [field]: value }
        : wrong('an array of strings, numbers or booleans');
    case 'object':
      return wrong('written field by field');
  }
}

/** One bare mailbox, or the value would send a customer's mail (and unsubscribe link) to others. */
function convertEmail(value: unknown, problems: Problem[]): Record<string, unknown> | undefined {
  const problem = recipientAddressProblem(value);
  if (problem === null) return { email: value };
  problems.push({ path: 'email', code: 'INVALID_EMAIL', message: `"email" ${problem}` });
  return undefined;
}

function convertConsent(value: unknown, problems: Problem[]): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ path: 'consent', code: 'PROFILE_FIELD_TYPE', message: '"consent" must be { email?, line? }' });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const allowed: Record<string, readonly string[]> = { email: EMAIL_CONSENT, line: LINE_CONSENT };
  const { optIn, ...channels } = value as Record<string, unknown>;
  if (optIn !== undefined) Object.assign(out, convertOptIn(optIn, channels.email, problems));
  for (const [channel, state] of Object.entries(channels)) {
    const states = allowed[channel];
    if (!states) {
      problems.push({
        path: `consent.${channel}`,
        code: 'UNKNOWN_PROFILE_FIELD',
        message: `no consent for "${channel}"`,
      });
    } else if (typeof state !== 'string' || !states.includes(state)) {
      problems.push({
        path: `consent.${channel}`,
        code: 'PROFILE_FIELD_TYPE',
        message: `"consent.${channel}" is one of ${states.join(', ')}`,
      });
    } else {
      out[`consent.${channel}`] = state;
      // Conditions read lineFollowing; it always mirrors the LINE consent.
      if (channel === 'line') out.lineFollowing = state === 'following';
    }
  }
  return out;
}

/**
 * Where a re-opt-in came from: 1-100 characters, no NUL, at least one that is not an ASCII space or
 * control (the OpenAPI document publishes this same pattern).
 */
// eslint-disable-next-line no-control-regex
export const OPT_IN_SOURCE = /^(?=[\s\S]*[^\x00-\x20\x7f])[^\x00]{1,100}$/;

/**
 * `consent.optIn: { source }` with `consent.email: subscribed`: the customer asked again (a form, a
 * double opt-in mail), which is the only way back from `unsubscribed`. Recorded with the time of the
 * write as `consentOptIn.email: { source, at }`.
 */
function convertOptIn(optIn: unknown, email: unknown, problems: Problem[]): Record<string, unknown> {
  const source = (optIn as { source?: unknown } | null)?.source;
  const shaped =
    typeof optIn === 'object' && optIn !== null && Object.keys(optIn).length === 1 && typeof source === 'string';
  if (!shaped || !OPT_IN_SOURCE.test(source)) {
    const message = '"consent.optIn" must be { source } (where the customer opted in again, at most 100 characters)';
    problems.push({ path: 'consent.optIn', code: 'PROFILE_FIELD_TYPE', message });
    return {};
  }
  if (email !== 'subscribed') {
    const message = '"consent.optIn" goes with "consent.email": "subscribed"';
    problems.push({ path: 'consent.optIn', code: 'PROFILE_FIELD_TYPE', message });
    return {};
  }
  return { [`${OPT_IN_FIELD}.email`]: { source, at: new Date() } };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether a patch holds date text without offset (whose meaning depends on the customer's zone). */
export function hasDateOnly(input: Record<string, unknown>): boolean {
  return Object.values(input).some((v) => typeof v === 'string' && ZONE_DEPENDENT.test(v));
}

/**
 * Date text read as journeys read it (definitions/dates.ts): a date-only value is that calendar day's
 * midnight in `zone`, a date-time without offset that wall-clock time in `zone`, with an offset an instant.
 */
export function toDate(value: unknown, zone: string): Date | null {
  if (typeof value !== 'string') return null;
  const ms = readDateValue(value, zone);
  return ms === null ? null : new Date(ms);
}

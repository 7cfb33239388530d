/**
 * The profile a client may write (`PUT /v1/customers/:id`, an event's inline `profile`), as a zod
 * schema built from the declared fields (definitions/profile-fields.yaml), for the OpenAPI document.
 * It states what api/customers/profile-input.ts enforces: only declared fields (no additional ones),
 * each of its declared type, `null` to remove one, system fields never.
 */
import { z } from 'zod';
import { EMAIL_CONSENT, LINE_CONSENT, SYSTEM_FIELDS } from '../../store/customers.js';
import type { FieldType, ProfileFieldTypes } from '../customers/profile-input.js';
import { EMAIL_PATTERN, MAX_EMAIL_LENGTH } from '../../channels/recipient-address.js';
import { OPT_IN_SOURCE } from '../customers/profile-input.js';
import { NO_NUL } from './schemas.js';

/** Longest string a profile field holds. */
export const MAX_PROFILE_STRING = 10_000;
/** Longest tag. */
export const MAX_TAG = 100;

// The date forms readDateValue reads: a real calendar day (leap years included), then optionally a
// local time, then optionally Z or an offset.
const DAY =
  '(?:(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29|[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8])))';
const DATE_TEXT = new RegExp(
  `^${DAY}(T(?:[01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?$`,
);

/** IANA zone names this runtime knows (canonical names; `UTC` too). */
export const TIME_ZONES: readonly string[] = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];

const dateValue = z
  .string()
  .regex(DATE_TEXT)
  .meta({
    description:
      'A date ("2026-04-01": midnight in the customer zone), a local date-time ("2026-04-01T10:00"), or one with an offset; an impossible day (02-30) is refused.',
    examples: ['2026-04-01', '2026-04-01T10:00:00+09:00'],
  });

function fieldSchema(field: string, type: FieldType): z.ZodType | null {
  if (field === 'consent') {
    return z
      .union([
        z.object({ email: z.enum(EMAIL_CONSENT).optional(), line: z.enum(LINE_CONSENT).optional() }).strict(),
        z
          .object({
            email: z.literal('subscribed'),
            line: z.enum(LINE_CONSENT).optional(),
            optIn: z
              .object({ source: z.string().regex(OPT_IN_SOURCE) })
              .strict()
              .meta({ description: 'Where the customer opted in again; needed to subscribe after an unsubscribe.' }),
          })
          .strict(),
      ])
      .meta({ description: 'Consent per channel; line also sets lineFollowing. It cannot be removed (null).' });
  }
  if (field === 'email') {
    return z
      .string()
      .max(MAX_EMAIL_LENGTH)
      .regex(EMAIL_PATTERN)
      .meta({ description: 'One bare address (no name, list or line break).', example: 'hanako@example.jp' });
  }
  if (field === 'tags')
    return z.array(z.string().min(1).max(MAX_TAG).regex(NO_NUL)).meta({ description: 'Duplicates are dropped.' });
  if (field === 'timezone') {
    return z
      .enum(TIME_ZONES as [string, ...string[]])
      .meta({ description: 'An IANA zone (aliases such as Asia/Kolkata too).' });
  }
  switch (type) {
    case 'string':
      return z.string().max(MAX_PROFILE_STRING).regex(NO_NUL);
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'date':
      return dateValue;
    case 'array':
      return z.array(z.union([z.string().regex(NO_NUL), z.number(), z.boolean(), z.null()]));
    case 'object':
      // Other object fields are written field by field by the server itself; a client may only remove them.
      return null;
  }
}

/**
 * The writable profile for `fields`: every declared field but the system ones, optional, nullable
 * (null removes it), and nothing else.
 */
export function profileInputSchema(fields: ProfileFieldTypes): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, type] of [...fields.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (SYSTEM_FIELDS.has(field)) continue;
    const schema = fieldSchema(field, type);
    // null removes a field, except consent: forgetting an unsubscribe would let a later write subscribe again.
    shape[field] = (schema ? (field === 'consent' ? schema : schema.nullable()) : z.null()).optional();
  }
  return z
    .object(shape)
    .strict()
    .meta({
      id: 'CustomerInput',
      description:
        'The profile fields of definitions/profile-fields.yaml, each of its declared type; null removes a field.',
      example: { email: 'hanako@example.jp', lastName: '山田', consent: { email: 'subscribed' } },
    });
}

/**
 * JSON Schema keywords that only editors read: the rules of `kizuna validate` that JSON Schema can
 * say (one entry mode, one offset, a fallback other than the channel...), and the snippets that
 * complete whole steps. They reach the generated schema through `.meta()` in `schema.ts`; zod ignores
 * them, so the compiler keeps its own checks and their precise error codes.
 *
 * A refused key is written as `properties: { key: false }`: editors then mark that key, the place
 * the compiler reports, with `errorMessage` (the message yaml-language-server shows instead of its own).
 */
import type { StepKindKey } from './step-kinds.js';

type Json = Record<string, unknown>;

const has = (...keys: string[]): Json => ({ required: keys });
const isTrue = (key: string): Json => ({ required: [key], properties: { [key]: { const: true } } });

/** Refuses `key` when the object matches `when`; editors mark the key with `message`. */
function forbid(key: string, when: Json, message: string): Json {
  return { if: when, then: { properties: { [key]: false }, errorMessage: message } };
}

/**
 * At least one of `alternatives` (an `anyOf`; the refusals that keep it to one are separate, to mark
 * the extra key). Editors show `message` where a key is missing.
 */
function oneOf(alternatives: Json[], message: string): Json {
  return { anyOf: alternatives.map((alternative) => ({ ...alternative, errorMessage: message })) };
}

const ENTRY_MISSING = 'say how customers enter: event: <type>, segment: <query> with a schedule, or api: true';

/** Entry: exactly one of event, segment and `api: true`; a segment with its schedule. */
export const ENTRY_RULES: Json = {
  allOf: [
    oneOf([has('event'), has('segment'), isTrue('api')], ENTRY_MISSING),
    forbid('segment', has('event'), 'a journey enters one way; found event and segment'),
    forbid('api', { ...isTrue('api'), anyOf: [has('event'), has('segment')] }, 'a journey enters one way; remove api'),
    forbid(
      'segment',
      { not: has('schedule') },
      'a segment is checked on a schedule; add schedule: { cron: "0 10 * * *" }',
    ),
    forbid(
      'schedule',
      { not: has('segment') },
      '"schedule" says when a segment is checked; this journey has no segment',
    ),
    forbid('where', { not: has('event') }, '"where" filters the entry event; put profile conditions under "segment"'),
    forbid('key', { not: has('event') }, 'a key names a property of the entry event; enter on an event, or remove key'),
  ],
};

/** `wait_until`: `at` or `date`, not both; one offset, and offsets only with `date`. */
export const WAIT_UNTIL_RULES: Json = {
  allOf: [
    oneOf([has('at'), has('date')], 'wait_until takes either at: <date-time> or date: profile.<field> / event.<field>'),
    forbid('date', has('at'), 'wait_until takes either at: <date-time> or date: <attribute>, not both'),
    forbid('after', has('before'), 'give before or after, not both'),
    ...['before', 'after'].map((key) =>
      forbid(key, has('at'), `"${key}" offsets a date attribute; with "at", write the exact time instead`),
    ),
  ],
};

/** `send`: a fallback other than the channel itself. */
export const SEND_RULES: Json = {
  allOf: (['email', 'line'] as const).map((channel) => ({
    if: { required: ['channel'], properties: { channel: { const: channel } } },
    then: {
      properties: {
        fallback: {
          enum: [channel === 'email' ? 'line' : 'email'],
          errorMessage: `the fallback is the channel itself (${channel})`,
        },
      },
    },
  })),
};

/** `split`: two variants or more (the split key is marked, as the compiler marks it). */
export const SPLIT_RULES: Json = {
  allOf: [
    forbid(
      'split',
      { required: ['split'], properties: { split: { type: 'array', maxItems: 1 } } },
      'a split needs at least two variants',
    ),
  ],
};

/** `update_profile`: something to update. */
export const UPDATE_RULES: Json = {
  allOf: [
    oneOf(
      [
        { required: ['set'], properties: { set: { minProperties: 1 } } },
        { required: ['add_tags'], properties: { add_tags: { minItems: 1 } } },
        { required: ['remove_tags'], properties: { remove_tags: { minItems: 1 } } },
      ],
      'update_profile changes nothing; give set, add_tags or remove_tags',
    ),
  ],
};

/** `line_richmenu`: `link: <menu>` or `unlink: true`, one of them. */
export const RICH_MENU_STEP_RULES: Json = {
  allOf: [
    oneOf([has('link'), isTrue('unlink')], 'line_richmenu takes link: <menu> or unlink: true'),
    forbid('unlink', has('link'), 'give link: <menu> or unlink: true, not both'),
  ],
};

/** An exit: a conversion window only with `goal: true`. */
export const EXIT_RULES: Json = {
  allOf: [
    forbid('window', { not: isTrue('goal') }, 'a window only counts for a goal; add goal: true or remove the window'),
  ],
};

/** An email template: an html or an mjml body, not both. */
export const EMAIL_RULES: Json = {
  allOf: [
    oneOf([has('html'), has('mjml')], 'an email template needs an html or an mjml body'),
    forbid('mjml', has('html'), 'give html or mjml, not both'),
  ],
};

/** A cron expression: five fields (the values are checked by `kizuna validate`). */
export const CRON_PATTERN = '^\\s*\\S+(?:\\s+\\S+){4}\\s*$';

/** A snippet editors offer when completing a step, as yaml-language-server's `defaultSnippets`. */
interface Snippet {
  label: string;
  description: string;
  body: Json;
}

const SNIPPET_BODIES: Record<StepKindKey, Json> = {
  send: { id: '${1:step-id}', send: { channel: '${2|email,line,preferred|}', template: '${3:template-name}' } },
  wait: { wait: '${1:3d}' },
  wait_until: { wait_until: { date: 'profile.${1:renewalDate}', before: '${2:3d}', time: '${3:10:00}' } },
  wait_for: {
    wait_for: { event: '${1:order.completed}', timeout: '${2:7d}' },
    on_event: [{ exit: 'converted' }],
    on_timeout: [{ id: '${3:reminder}', send: { channel: 'email', template: '${4:template-name}' } }],
  },
  if: { if: { '${1:totalSpent}': { $gte: '${2:30000}' } }, then: [{ wait: '1d' }], else: [{ wait: '3d' }] },
  branch: { branch: [{ when: { '${1:tier}': '${2:gold}' }, steps: [{ wait: '1d' }] }], default: [{ wait: '3d' }] },
  split: {
    split: [
      { name: '${1:a}', weight: 1, steps: [{ wait: '1d' }] },
      { name: '${2:b}', weight: 1, steps: [{ wait: '3d' }] },
    ],
  },
  repeat: {
    repeat: { times: '${1:3}', every: '${2:1d}', until: { event: '${3:order.completed}' } },
    steps: [{ id: '${4:nudge}', send: { channel: 'line', template: '${5:template-name}' } }],
  },
  update_profile: { update_profile: { add_tags: ['${1:tag}'] } },
  line_richmenu: { line_richmenu: { link: '${1:members}' } },
  exit: { exit: '${1:done}' },
};

/** The completion snippet of a step kind: the whole step, its placeholders in tab order. */
export function stepSnippets(kind: StepKindKey): Snippet[] {
  return [{ label: kind, description: `A whole ${kind} step`, body: SNIPPET_BODIES[kind] }];
}

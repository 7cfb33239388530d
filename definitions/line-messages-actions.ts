/**
 * LINE action objects (postback, message, uri, datetimepicker, camera, cameraRoll, location,
 * clipboard, richmenuswitch) and imagemap actions, with the limits of the Messaging API reference.
 * A label's limit and whether it is required depend on where the action is used.
 */
import type { Family, JsonPath, LineIssues, ObjectSpec, Rule } from './line-messages-rules.js';
import { hasRuntimeValue, r } from './line-messages-rules.js';

/** Schemes LINE opens from a URI action or an imagemap link. */
export const LINK_SCHEMES = ['http', 'https', 'line', 'tel'] as const;
/** Images and videos must be served over HTTPS. */
export const MEDIA_SCHEMES = ['https'] as const;

/** Where an action is used; decides its label rule and which action types are allowed. */
export type ActionPlace = 'template' | 'defaultAction' | 'imageCarousel' | 'quickReply' | 'flexButton' | 'flex';

const LABELS: Record<ActionPlace, { max: number; required: boolean }> = {
  template: { max: 20, required: true },
  defaultAction: { max: 20, required: false },
  imageCarousel: { max: 12, required: false },
  quickReply: { max: 20, required: true },
  flexButton: { max: 40, required: true },
  flex: { max: 40, required: false },
};

const QUICK_REPLY_ONLY = ['camera', 'cameraRoll', 'location'] as const;
const IN_MESSAGES = ['postback', 'message', 'uri', 'datetimepicker', 'clipboard'] as const;

const DATETIME_FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  date: { pattern: /^\d{4}-\d{2}-\d{2}$/, example: '2026-12-01' },
  time: { pattern: /^\d{2}:\d{2}$/, example: '10:00' },
  datetime: { pattern: /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}$/, example: '2026-12-01T10:00' },
};

function checkPostback(value: Record<string, unknown>, path: JsonPath, out: LineIssues): void {
  if (value['displayText'] !== undefined && value['text'] !== undefined) {
    out.add('LINE_BAD_VALUE', 'a postback action takes "displayText" or "text", not both', [...path, 'text']);
  }
}

function checkDatetime(value: Record<string, unknown>, path: JsonPath, out: LineIssues): void {
  const mode = value['mode'];
  const format = typeof mode === 'string' && Object.hasOwn(DATETIME_FORMATS, mode) ? DATETIME_FORMATS[mode] : undefined;
  if (format === undefined) return;
  const given: Record<string, string> = {};
  for (const key of ['initial', 'min', 'max']) {
    const text = value[key];
    if (typeof text !== 'string' || hasRuntimeValue(text)) continue;
    if (!format.pattern.test(text)) {
      const message = `"${text}" is not a ${String(mode)} as LINE writes it (e.g. ${format.example})`;
      out.add('LINE_BAD_VALUE', message, [...path, key]);
    } else given[key] = text.toLowerCase();
  }
  if (given['min'] !== undefined && given['max'] !== undefined && given['min'] >= given['max']) {
    out.add('LINE_BAD_VALUE', '"max" must be later than "min"', [...path, 'max']);
  }
}

function actionSpecs(place: ActionPlace): Record<string, ObjectSpec> {
  const label = LABELS[place];
  const base = { label: r.graphemes(label.max) };
  const required = (...keys: string[]): string[] => (label.required ? ['label', ...keys] : keys);
  return {
    postback: {
      name: 'a postback action',
      required: required('data'),
      props: {
        ...base,
        data: r.text(300),
        displayText: r.graphemes(300),
        text: r.graphemes(300),
        inputOption: r.oneOf('closeRichMenu', 'openRichMenu', 'openKeyboard', 'openVoice'),
        fillInText: r.graphemes(300),
      },
      check: checkPostback,
    },
    message: {
      name: 'a message action',
      required: required('text'),
      props: { ...base, text: r.graphemes(300, { nonEmpty: true }) },
    },
    uri: {
      name: 'a URI action',
      required: required('uri'),
      props: {
        ...base,
        uri: r.uri(1000, LINK_SCHEMES),
        altUri: r.object(() => ({ name: 'altUri', props: { desktop: r.uri(1000, LINK_SCHEMES) } })),
      },
    },
    datetimepicker: {
      name: 'a datetime picker action',
      required: required('data', 'mode'),
      props: {
        ...base,
        data: r.text(300),
        mode: r.oneOf('date', 'time', 'datetime'),
        initial: r.text(),
        max: r.text(),
        min: r.text(),
      },
      check: checkDatetime,
    },
    camera: { name: 'a camera action', required: required(), props: base },
    cameraRoll: { name: 'a camera roll action', required: required(), props: base },
    location: { name: 'a location action', required: required(), props: base },
    clipboard: {
      name: 'a clipboard action',
      required: required('clipboardText'),
      props: { ...base, clipboardText: r.text(1000, { nonEmpty: true }) },
    },
    richmenuswitch: {
      name: 'a rich menu switch action',
      required: ['richMenuAliasId', 'data'],
      props: { ...base, richMenuAliasId: r.text(32), data: r.text(300) },
    },
  };
}

const families = new Map<ActionPlace, Family>();

/** The rule for an action used at `place`. */
export function actionRule(place: ActionPlace): Rule {
  let family = families.get(place);
  if (family === undefined) {
    const specs = actionSpecs(place);
    family = { what: 'action', variants: () => specs };
    families.set(place, family);
  }
  const quick = place === 'quickReply';
  const allowed = quick ? [...IN_MESSAGES, ...QUICK_REPLY_ONLY] : [...IN_MESSAGES];
  const where = quick ? 'in a quick reply' : 'in a message (camera, camera roll and location only in quick replies)';
  return { kind: 'typed', family, allowed, where };
}

const area: Rule = r.object(() => ({
  name: 'an imagemap area',
  required: ['x', 'y', 'width', 'height'],
  props: { x: r.int(0), y: r.int(0), width: r.int(1), height: r.int(1) },
}));

const imagemapSpecs: Record<string, ObjectSpec> = {
  uri: {
    name: 'an imagemap URI action',
    required: ['linkUri', 'area'],
    props: { linkUri: r.uri(1000, LINK_SCHEMES), label: r.text(100), area },
  },
  message: {
    name: 'an imagemap message action',
    required: ['text', 'area'],
    props: { text: r.text(400, { nonEmpty: true }), label: r.text(100), area },
  },
  clipboard: {
    name: 'an imagemap clipboard action',
    required: ['clipboardText', 'area'],
    props: { clipboardText: r.text(1000, { nonEmpty: true }), label: r.text(100), area },
  },
};

/** The rule for an imagemap's action. */
export const imagemapActionRule: Rule = {
  kind: 'typed',
  family: { what: 'imagemap action', variants: () => imagemapSpecs },
};

/** The rule for an imagemap's (or its video's) area. */
export const imagemapAreaRule = area;

/**
 * Request bodies of `POST /v2/bot/message/push` (and `/validate/push`), checked as LINE checks them:
 * message types and required properties, text up to 5000 UTF-16 units, alt texts, template limits,
 * imagemaps, quick replies, flex containers. Every problem is reported, LINE-style.
 */
import { Checker, type LineErrorDetail, type Obj } from './checker.js';
import { checkAction, checkQuickReply } from './validate-actions.js';
import { checkFlexContainer } from './validate-flex.js';

const MESSAGE_TYPES = [
  'text',
  'textV2',
  'sticker',
  'image',
  'video',
  'audio',
  'location',
  'imagemap',
  'template',
  'flex',
  'coupon',
] as const;
/** A user, group or room id: `U`, `C` or `R` and 32 hex digits. */
const RECEIVER = /^[UCR][0-9a-f]{32}$/;

/** The problems of a push body (empty when LINE would accept it). */
export function validatePushBody(body: unknown): LineErrorDetail[] {
  const c = new Checker();
  if (!c.object(body, 'body')) return c.details;
  if (c.string(body['to'], 'to') && !RECEIVER.test(body['to'] as string)) {
    c.add('to', "The property, 'to', in the request body is invalid");
  }
  c.boolean(body['notificationDisabled'], 'notificationDisabled');
  const units = c.array(body['customAggregationUnits'], 'customAggregationUnits', 1, 1, false);
  units?.forEach((u, i) => c.string(u, `customAggregationUnits[${i}]`, { max: 30 }));
  const messages = c.array(body['messages'], 'messages', 1, 5);
  messages?.forEach((m, i) => checkMessage(c, m, `messages[${i}]`));
  return c.details;
}

/** LINE's top-level message for a body with `n` problems. */
export const bodyErrorMessage = (n: number) => `The request body has ${n} error(s)`;

function checkMessage(c: Checker, value: unknown, at: string): void {
  if (!c.object(value, at)) return;
  if (!c.oneOf(value['type'], `${at}.type`, MESSAGE_TYPES)) return;
  checkQuickReply(c, value['quickReply'], `${at}.quickReply`);
  if (value['sender'] !== undefined && c.object(value['sender'], `${at}.sender`)) {
    c.string(value['sender']['name'], `${at}.sender.name`, { max: 20, required: false });
    if (value['sender']['iconUrl'] !== undefined)
      c.url(value['sender']['iconUrl'], `${at}.sender.iconUrl`, { max: 1000 });
  }
  CHECKS[value['type'] as (typeof MESSAGE_TYPES)[number]](c, value, at);
}

const CHECKS: Record<(typeof MESSAGE_TYPES)[number], (c: Checker, m: Obj, at: string) => void> = {
  text: (c, m, at) => {
    c.string(m['text'], `${at}.text`, { max: 5000 });
    c.array(m['emojis'], `${at}.emojis`, 0, 20, false);
  },
  textV2: (c, m, at) => {
    c.string(m['text'], `${at}.text`, { max: 5000 });
    if (m['substitution'] !== undefined && c.object(m['substitution'], `${at}.substitution`)) {
      for (const [key, sub] of Object.entries(m['substitution'])) {
        if (c.object(sub, `${at}.substitution.${key}`)) {
          c.oneOf(sub['type'], `${at}.substitution.${key}.type`, ['mention', 'emoji']);
        }
      }
    }
  },
  sticker: (c, m, at) => {
    c.string(m['packageId'], `${at}.packageId`);
    c.string(m['stickerId'], `${at}.stickerId`);
  },
  image: (c, m, at) => {
    c.url(m['originalContentUrl'], `${at}.originalContentUrl`);
    c.url(m['previewImageUrl'], `${at}.previewImageUrl`);
  },
  video: (c, m, at) => {
    c.url(m['originalContentUrl'], `${at}.originalContentUrl`);
    c.url(m['previewImageUrl'], `${at}.previewImageUrl`);
    c.string(m['trackingId'], `${at}.trackingId`, { max: 100, required: false });
  },
  audio: (c, m, at) => {
    c.url(m['originalContentUrl'], `${at}.originalContentUrl`);
    c.number(m['duration'], `${at}.duration`, { integer: true, min: 0 });
  },
  location: (c, m, at) => {
    c.string(m['title'], `${at}.title`, { max: 100 });
    c.string(m['address'], `${at}.address`, { max: 100 });
    c.number(m['latitude'], `${at}.latitude`);
    c.number(m['longitude'], `${at}.longitude`);
  },
  imagemap: checkImagemap,
  template: (c, m, at) => {
    c.string(m['altText'], `${at}.altText`, { max: 1500 });
    checkTemplate(c, m['template'], `${at}.template`);
  },
  flex: (c, m, at) => {
    c.string(m['altText'], `${at}.altText`, { max: 1500 });
    checkFlexContainer(c, m['contents'], `${at}.contents`);
  },
  coupon: (c, m, at) => {
    c.string(m['couponId'], `${at}.couponId`);
  },
};

function checkImagemap(c: Checker, m: Obj, at: string): void {
  c.url(m['baseUrl'], `${at}.baseUrl`, { max: 2000 });
  c.string(m['altText'], `${at}.altText`, { max: 1500 });
  if (c.object(m['baseSize'], `${at}.baseSize`)) {
    if (m['baseSize']['width'] !== 1040) c.add(`${at}.baseSize.width`, 'must be 1040');
    c.number(m['baseSize']['height'], `${at}.baseSize.height`, { integer: true, min: 1 });
  }
  const actions = c.array(m['actions'], `${at}.actions`, 0, 50);
  actions?.forEach((a, i) => {
    const p = `${at}.actions[${i}]`;
    if (!c.object(a, p) || !c.oneOf(a['type'], `${p}.type`, ['uri', 'message', 'clipboard'])) return;
    if (a['type'] === 'uri')
      c.url(a['linkUri'], `${p}.linkUri`, { schemes: ['http', 'https', 'line', 'tel'], max: 1000 });
    if (a['type'] === 'message') c.string(a['text'], `${p}.text`, { max: 400 });
    if (a['type'] === 'clipboard') c.string(a['clipboardText'], `${p}.clipboardText`, { max: 1000 });
    c.string(a['label'], `${p}.label`, { max: 100, required: false });
    if (c.object(a['area'], `${p}.area`)) {
      for (const k of ['x', 'y', 'width', 'height'])
        c.number(a['area'][k], `${p}.area.${k}`, { integer: true, min: 0 });
    }
  });
}

function checkTemplate(c: Checker, t: unknown, at: string): void {
  if (!c.object(t, at)) return;
  if (!c.oneOf(t['type'], `${at}.type`, ['buttons', 'confirm', 'carousel', 'image_carousel'])) return;
  if (t['type'] === 'buttons') {
    const withHeader = t['title'] !== undefined || t['thumbnailImageUrl'] !== undefined;
    checkColumn(c, t, at, { text: withHeader ? 60 : 160, actions: 4 });
  } else if (t['type'] === 'confirm') {
    c.string(t['text'], `${at}.text`, { max: 240, unit: 'graphemes' });
    const actions = c.array(t['actions'], `${at}.actions`, 2, 2);
    actions?.forEach((a, i) => checkAction(c, a, `${at}.actions[${i}]`, 'template'));
  } else if (t['type'] === 'carousel') {
    const columns = c.array(t['columns'], `${at}.columns`, 1, 10);
    const counts = new Set<number>();
    columns?.forEach((col, i) => {
      if (!c.object(col, `${at}.columns[${i}]`)) return;
      const withHeader = col['title'] !== undefined || col['thumbnailImageUrl'] !== undefined;
      checkColumn(c, col, `${at}.columns[${i}]`, { text: withHeader ? 60 : 120, actions: 3 });
      if (Array.isArray(col['actions'])) counts.add(col['actions'].length);
    });
    if (counts.size > 1) c.add(`${at}.columns`, 'all columns must have the same number of actions');
  } else {
    const columns = c.array(t['columns'], `${at}.columns`, 1, 10);
    columns?.forEach((col, i) => {
      if (!c.object(col, `${at}.columns[${i}]`)) return;
      c.url(col['imageUrl'], `${at}.columns[${i}].imageUrl`);
      checkAction(c, col['action'], `${at}.columns[${i}].action`, 'template');
    });
  }
}

function checkColumn(c: Checker, col: Obj, at: string, limits: { text: number; actions: number }): void {
  // Template texts and titles are counted in grapheme clusters, as LINE counts them.
  c.string(col['text'], `${at}.text`, { max: limits.text, unit: 'graphemes' });
  c.string(col['title'], `${at}.title`, { max: 40, required: false, unit: 'graphemes' });
  if (col['thumbnailImageUrl'] !== undefined) c.url(col['thumbnailImageUrl'], `${at}.thumbnailImageUrl`);
  if (col['defaultAction'] !== undefined) checkAction(c, col['defaultAction'], `${at}.defaultAction`, 'template');
  const actions = c.array(col['actions'], `${at}.actions`, 1, limits.actions);
  actions?.forEach((a, i) => checkAction(c, a, `${at}.actions[${i}]`, 'template'));
}

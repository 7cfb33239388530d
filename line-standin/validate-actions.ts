/**
 * LINE action objects and quick replies, as the Messaging API checks them (action objects reference:
 * labels, postback data up to 300 characters, URIs up to 1000 with http/https/line/tel schemes).
 */
import type { Checker } from './checker.js';

/** Where an action appears: some types exist only in quick replies, labels differ in length. */
export type ActionPlace = 'quickReply' | 'template' | 'flex';

const ACTION_TYPES = [
  'postback',
  'message',
  'uri',
  'datetimepicker',
  'camera',
  'cameraRoll',
  'location',
  'richmenuswitch',
  'clipboard',
] as const;
const QUICK_REPLY_ONLY = ['camera', 'cameraRoll', 'location'];
const URI_SCHEMES = ['http', 'https', 'line', 'tel'] as const;
const G = 'graphemes' as const;

/** Checks one action object at `property`. */
export function checkAction(c: Checker, value: unknown, property: string, place: ActionPlace): void {
  if (!c.object(value, property)) return;
  if (!c.oneOf(value['type'], `${property}.type`, ACTION_TYPES)) return;
  const type = value['type'] as string;
  if (QUICK_REPLY_ONLY.includes(type) && place !== 'quickReply') {
    c.add(`${property}.type`, `${type} action is only available in quick reply`);
  }
  const labelRequired = place === 'quickReply' || place === 'template';
  // Labels and the texts below are counted in grapheme clusters, as LINE counts them.
  c.string(value['label'], `${property}.label`, { max: place === 'flex' ? 40 : 20, required: labelRequired, unit: G });
  switch (type) {
    case 'postback':
      c.string(value['data'], `${property}.data`, { min: 0, max: 300 });
      c.string(value['displayText'], `${property}.displayText`, { max: 300, required: false, unit: G });
      c.string(value['text'], `${property}.text`, { max: 300, required: false, unit: G });
      c.string(value['fillInText'], `${property}.fillInText`, { max: 300, required: false, unit: G });
      if (value['displayText'] !== undefined && value['text'] !== undefined) {
        c.add(`${property}.text`, 'cannot be specified together with displayText');
      }
      return;
    case 'message':
      c.string(value['text'], `${property}.text`, { max: 300, unit: G });
      return;
    case 'uri':
      c.url(value['uri'], `${property}.uri`, { schemes: URI_SCHEMES, max: 1000 });
      if (value['altUri'] !== undefined && c.object(value['altUri'], `${property}.altUri`)) {
        c.url(value['altUri']['desktop'], `${property}.altUri.desktop`, { schemes: URI_SCHEMES, max: 1000 });
      }
      return;
    case 'datetimepicker':
      c.string(value['data'], `${property}.data`, { min: 0, max: 300 });
      c.oneOf(value['mode'], `${property}.mode`, ['date', 'time', 'datetime']);
      return;
    case 'richmenuswitch':
      c.string(value['data'], `${property}.data`, { min: 0, max: 300 });
      c.string(value['richMenuAliasId'], `${property}.richMenuAliasId`, { max: 32 });
      return;
    case 'clipboard':
      c.string(value['clipboardText'], `${property}.clipboardText`, { max: 1000 });
      return;
    default:
      return;
  }
}

/** Checks a quick reply: 1 to 13 items of type `action`, each with an action (labels required). */
export function checkQuickReply(c: Checker, value: unknown, property: string): void {
  if (value === undefined || !c.object(value, property)) return;
  const items = c.array(value['items'], `${property}.items`, 1, 13);
  items?.forEach((item, i) => {
    const at = `${property}.items[${i}]`;
    if (!c.object(item, at)) return;
    c.oneOf(item['type'], `${at}.type`, ['action']);
    if (item['imageUrl'] !== undefined) c.url(item['imageUrl'], `${at}.imageUrl`);
    checkAction(c, item['action'], `${at}.action`, 'quickReply');
  });
}

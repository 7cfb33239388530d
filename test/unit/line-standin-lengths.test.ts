// The LINE stand-in and the template checks of `definitions/` count lengths as LINE documents
// ("Character counting in a text"): UTF-16 code units, except action labels and texts and template
// texts and titles, which LINE counts in grapheme clusters. Each body here is at a limit in one unit
// and over it in the other: both validators must give the same answer.
import { describe, expect, it } from 'vitest';
import { checkLineMessages } from '../../definitions/line-messages.js';
import { validatePushBody } from '../../line-standin/validate-messages.js';

const TO = `U${'a'.repeat(32)}`;
const APPLE = '🍎'; // one grapheme, two UTF-16 code units
const FAMILY = '👨‍👩‍👧'; // one grapheme, eight UTF-16 code units

const quickReply = (action: Record<string, unknown>) => ({
  type: 'text',
  text: 'x',
  quickReply: { items: [{ type: 'action', action }] },
});
const buttons = (template: Record<string, unknown>) => ({
  type: 'template',
  altText: 'alt',
  template: { type: 'buttons', actions: [{ type: 'message', label: 'a', text: 'a' }], ...template },
});

/** [what, message, accepted by LINE, the property refused when not] */
const CASES: [string, Record<string, unknown>, boolean, string][] = [
  [
    'a label of 20 emoji (40 UTF-16 units)',
    quickReply({ type: 'message', label: APPLE.repeat(20), text: 'a' }),
    true,
    '',
  ],
  ['a label of 20 families', quickReply({ type: 'message', label: FAMILY.repeat(20), text: 'a' }), true, ''],
  ['a label of 21 emoji', quickReply({ type: 'message', label: APPLE.repeat(21), text: 'a' }), false, 'label'],
  ['a message text of 300 emoji', quickReply({ type: 'message', label: 'a', text: APPLE.repeat(300) }), true, ''],
  ['a message text of 301 emoji', quickReply({ type: 'message', label: 'a', text: APPLE.repeat(301) }), false, 'text'],
  [
    'a postback displayText of 300 emoji',
    quickReply({ type: 'postback', label: 'a', data: 'd', displayText: APPLE.repeat(300) }),
    true,
    '',
  ],
  ['a buttons text of 160 emoji', buttons({ text: APPLE.repeat(160) }), true, ''],
  ['a buttons text of 161 emoji', buttons({ text: APPLE.repeat(161) }), false, 'text'],
  ['a buttons title of 40 emoji', buttons({ title: APPLE.repeat(40), text: 'x' }), true, ''],
  ['a text message of 2501 emoji (5002 UTF-16 units)', { type: 'text', text: APPLE.repeat(2501) }, false, 'text'],
];

describe('LINE lengths: the stand-in and the template checks agree with LINE', () => {
  it.each(CASES)('%s', (_what, message, accepted, property) => {
    const standin = validatePushBody({ to: TO, messages: [message] });
    const templates = checkLineMessages([message]);
    if (accepted) {
      expect(standin).toEqual([]);
      expect(templates).toEqual([]);
    } else {
      expect(standin.map((d) => d.property.split('.').at(-1))).toEqual([property]);
      expect(templates.map((i) => i.path.at(-1))).toEqual([property]);
    }
  });
});

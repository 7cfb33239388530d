/**
 * Checks LINE message objects as the Messaging API validates a push request: every message type
 * (text, textV2, sticker, image, video, audio, location, imagemap, template, flex, coupon), quick
 * replies, senders and every action, with LINE's required keys, keywords and limits. Lengths are in
 * UTF-16 code units, as LINE counts them (an emoji counts as two).
 *
 * Pure: takes plain values (a template after a trial render) and returns issues with JSON paths.
 */
import {
  imagemapActionRule,
  imagemapAreaRule,
  actionRule,
  LINK_SCHEMES,
  MEDIA_SCHEMES,
} from './line-messages-actions.js';
import { checkFlexSize, flexContainerRule } from './line-messages-flex-containers.js';
import type { Family, JsonPath, LineIssue, ObjectSpec, Rule } from './line-messages-rules.js';
import { isRecord, LineIssues, r } from './line-messages-rules.js';
import { checkValue } from './line-messages-walk.js';
import { templateRule } from './line-messages-templates.js';

export type { JsonPath, LineIssue, LineIssueCode } from './line-messages-rules.js';
export { RUNTIME_VALUE } from './line-messages-rules.js';

/** LINE's documented limits for one push and its messages. */
export const LINE_LIMITS = {
  messages: 5,
  textLength: 5000,
  flexAltTextLength: 1500,
  imagemapAltTextLength: 1500,
  templateAltTextLength: 1500,
  quickReplyItems: 13,
} as const;

const media = r.uri(2000, MEDIA_SCHEMES);
const text = r.text(LINE_LIMITS.textLength, { nonEmpty: true, code: 'LINE_TEXT_TOO_LONG' });
const altText = (max: number): Rule => r.text(max, { nonEmpty: true, code: 'LINE_ALT_TEXT_TOO_LONG' });

const quickReplyItem: Rule = r.object(() => ({
  name: 'a quick reply item',
  required: ['type', 'action'],
  props: { type: r.oneOf('action'), imageUrl: media, action: actionRule('quickReply') },
}));

const common = {
  quickReply: r.object(() => ({
    name: 'a quick reply',
    required: ['items'],
    props: {
      items: r.list(quickReplyItem, 'quick reply items', {
        min: 1,
        max: LINE_LIMITS.quickReplyItems,
        code: 'LINE_TOO_MANY_QUICK_REPLIES',
      }),
    },
  })),
  sender: r.object(() => ({ name: 'a sender', props: { name: r.text(20), iconUrl: media } })),
};

const emoji: Rule = r.object(() => ({
  name: 'a LINE emoji',
  required: ['index', 'productId', 'emojiId'],
  props: { index: r.int(0), productId: r.text(), emojiId: r.text() },
}));

const mentionee: Family = {
  what: 'mention target',
  variants: () => ({
    user: { name: 'a user mention', required: ['userId'], props: { userId: r.text() } },
    all: { name: 'an all mention', props: {} },
  }),
};

const substitution: Family = {
  what: 'substitution',
  variants: () => ({
    mention: { name: 'a mention', required: ['mentionee'], props: { mentionee: { kind: 'typed', family: mentionee } } },
    emoji: {
      name: 'an emoji substitution',
      required: ['productId', 'emojiId'],
      props: { productId: r.text(), emojiId: r.text() },
    },
  }),
};

const imagemapVideo: Rule = r.object(() => ({
  name: 'an imagemap video',
  required: ['originalContentUrl', 'previewImageUrl', 'area'],
  props: {
    originalContentUrl: media,
    previewImageUrl: media,
    area: imagemapAreaRule,
    externalLink: r.object(() => ({
      name: 'an external link',
      required: ['linkUri', 'label'],
      props: { linkUri: r.uri(1000, LINK_SCHEMES), label: r.text(30) },
    })),
  },
}));

const messageSpecs: Record<string, ObjectSpec> = {
  text: {
    name: 'a text message',
    required: ['text'],
    props: { ...common, text, emojis: r.list(emoji, 'emojis', { max: 20 }), quoteToken: r.text() },
  },
  textV2: {
    name: 'a textV2 message',
    required: ['text'],
    props: {
      ...common,
      text,
      substitution: {
        kind: 'record',
        of: { kind: 'typed', family: substitution },
        max: 100,
        keyPattern: /^[a-zA-Z0-9_]{1,20}$/,
        keyShape: 'a substitution key (letters, digits and _, at most 20)',
      },
      quoteToken: r.text(),
    },
  },
  sticker: {
    name: 'a sticker message',
    required: ['packageId', 'stickerId'],
    props: { ...common, packageId: r.text(), stickerId: r.text(), quoteToken: r.text() },
  },
  image: {
    name: 'an image message',
    required: ['originalContentUrl', 'previewImageUrl'],
    props: { ...common, originalContentUrl: media, previewImageUrl: media },
  },
  video: {
    name: 'a video message',
    required: ['originalContentUrl', 'previewImageUrl'],
    props: { ...common, originalContentUrl: media, previewImageUrl: media, trackingId: r.text(100) },
  },
  audio: {
    name: 'an audio message',
    required: ['originalContentUrl', 'duration'],
    props: { ...common, originalContentUrl: media, duration: r.int(1) },
  },
  location: {
    name: 'a location message',
    required: ['title', 'address', 'latitude', 'longitude'],
    props: {
      ...common,
      title: r.text(100),
      address: r.text(100),
      latitude: r.num(-90, 90),
      longitude: r.num(-180, 180),
    },
  },
  imagemap: {
    name: 'an imagemap message',
    required: ['baseUrl', 'altText', 'baseSize', 'actions'],
    props: {
      ...common,
      baseUrl: media,
      altText: altText(LINE_LIMITS.imagemapAltTextLength),
      baseSize: r.object(() => ({
        name: 'an imagemap base size',
        required: ['width', 'height'],
        props: { width: r.int(1040, 1040), height: r.int(1) },
      })),
      actions: r.list(imagemapActionRule, 'imagemap actions', { max: 50 }),
      video: imagemapVideo,
    },
  },
  template: {
    name: 'a template message',
    required: ['altText', 'template'],
    props: { ...common, altText: altText(LINE_LIMITS.templateAltTextLength), template: templateRule },
  },
  flex: {
    name: 'a flex message',
    required: ['altText', 'contents'],
    props: { ...common, altText: altText(LINE_LIMITS.flexAltTextLength), contents: flexContainerRule },
    check: (value, path, out) => checkFlexSize(value['contents'], [...path, 'contents'], out),
  },
  coupon: {
    name: 'a coupon message',
    required: ['couponId'],
    props: { ...common, couponId: r.text(), deliveryTag: r.text(30) },
  },
};

/** The rule one LINE message is checked with (also the source of its JSON Schema). */
export const LINE_MESSAGE_RULE: Rule = { kind: 'typed', family: { what: 'message', variants: () => messageSpecs } };

/** Every LINE message type this module checks. */
export const LINE_MESSAGE_TYPES: readonly string[] = Object.keys(messageSpecs);

/**
 * Checks the messages of one push (at most five). `base` is the path of the list in the document.
 * Never throws; returns every issue found.
 */
export function checkLineMessages(messages: unknown, base: JsonPath = ['messages']): LineIssue[] {
  const out = new LineIssues();
  if (!Array.isArray(messages)) {
    out.add('WRONG_TYPE', '"messages" must be a list of LINE message objects', base);
    return out.list;
  }
  if (messages.length === 0)
    out.add('LINE_NO_MESSAGES', 'a LINE template needs at least one message', base, { at: 'key' });
  if (messages.length > LINE_LIMITS.messages) {
    const message = `LINE accepts at most ${LINE_LIMITS.messages} messages per send; this template has ${messages.length}`;
    out.add('LINE_TOO_MANY_MESSAGES', message, [...base, LINE_LIMITS.messages]);
  }
  messages.forEach((message, i) => {
    const path = [...base, i];
    if (!isRecord(message)) out.add('LINE_BAD_MESSAGE', 'a LINE message is a mapping with a "type"', path);
    else checkValue(message, LINE_MESSAGE_RULE, path, out);
  });
  return out.list;
}

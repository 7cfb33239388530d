/**
 * Flex Message containers as LINE checks them: a bubble or a carousel of 1 to 12 bubbles; boxes with a
 * layout and contents; components of known types with their required properties; container size limits.
 */
import type { Checker, Obj } from './checker.js';
import { checkAction } from './validate-actions.js';

const COMPONENT_TYPES = ['box', 'button', 'image', 'video', 'icon', 'text', 'span', 'separator', 'filler'] as const;
/** Size limits of a container's JSON: a bubble 30 KB, a carousel 50 KB (documented by LINE). */
const MAX_BUBBLE_BYTES = 30 * 1024;
const MAX_CAROUSEL_BYTES = 50 * 1024;

/** Checks `contents` of a flex message. */
export function checkFlexContainer(c: Checker, value: unknown, property: string): void {
  if (!c.object(value, property)) return;
  if (!c.oneOf(value['type'], `${property}.type`, ['bubble', 'carousel'])) return;
  const size = Buffer.byteLength(JSON.stringify(value));
  if (value['type'] === 'carousel') {
    if (size > MAX_CAROUSEL_BYTES) c.add(property, `carousel must be at most ${MAX_CAROUSEL_BYTES} bytes`);
    const bubbles = c.array(value['contents'], `${property}.contents`, 1, 12);
    bubbles?.forEach((b, i) => {
      const at = `${property}.contents[${i}]`;
      if (c.object(b, at) && c.oneOf(b['type'], `${at}.type`, ['bubble'])) checkBubble(c, b, at);
    });
    return;
  }
  if (size > MAX_BUBBLE_BYTES) c.add(property, `bubble must be at most ${MAX_BUBBLE_BYTES} bytes`);
  checkBubble(c, value, property);
}

function checkBubble(c: Checker, bubble: Obj, property: string): void {
  c.oneOf(bubble['size'], `${property}.size`, ['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'], false);
  c.oneOf(bubble['direction'], `${property}.direction`, ['ltr', 'rtl'], false);
  for (const block of ['header', 'body', 'footer']) {
    const box = bubble[block];
    if (box === undefined) continue;
    if (c.object(box, `${property}.${block}`) && c.oneOf(box['type'], `${property}.${block}.type`, ['box'])) {
      checkComponent(c, box, `${property}.${block}`, 0);
    }
  }
  if (bubble['hero'] !== undefined && c.object(bubble['hero'], `${property}.hero`)) {
    c.oneOf(bubble['hero']['type'], `${property}.hero.type`, ['box', 'image', 'video']);
    checkComponent(c, bubble['hero'], `${property}.hero`, 0);
  }
  if (bubble['action'] !== undefined) checkAction(c, bubble['action'], `${property}.action`, 'flex');
}

function checkComponent(c: Checker, value: unknown, property: string, depth: number): void {
  if (!c.object(value, property)) return;
  if (!c.oneOf(value['type'], `${property}.type`, COMPONENT_TYPES)) return;
  if (value['action'] !== undefined && value['type'] !== 'button') {
    checkAction(c, value['action'], `${property}.action`, 'flex');
  }
  switch (value['type']) {
    case 'box': {
      c.oneOf(value['layout'], `${property}.layout`, ['horizontal', 'vertical', 'baseline']);
      const contents = c.array(value['contents'], `${property}.contents`, 0, Number.MAX_SAFE_INTEGER);
      if (depth > 10) c.add(property, 'boxes are nested too deeply');
      else contents?.forEach((child, i) => checkComponent(c, child, `${property}.contents[${i}]`, depth + 1));
      return;
    }
    case 'button':
      checkAction(c, value['action'], `${property}.action`, 'flex');
      c.oneOf(value['style'], `${property}.style`, ['primary', 'secondary', 'link'], false);
      return;
    case 'image':
      c.url(value['url'], `${property}.url`);
      return;
    case 'icon':
      c.url(value['url'], `${property}.url`);
      return;
    case 'video':
      c.url(value['url'], `${property}.url`);
      c.url(value['previewUrl'], `${property}.previewUrl`);
      checkComponent(c, value['altContent'], `${property}.altContent`, depth + 1);
      return;
    case 'text':
      checkText(c, value, property);
      return;
    case 'span':
      c.string(value['text'], `${property}.text`, { min: 0 });
      return;
    default:
      return;
  }
}

function checkText(c: Checker, value: Obj, property: string): void {
  const spans = value['contents'];
  if (spans !== undefined) {
    const list = c.array(spans, `${property}.contents`, 0, Number.MAX_SAFE_INTEGER);
    list?.forEach((span, i) => {
      const at = `${property}.contents[${i}]`;
      if (c.object(span, at) && c.oneOf(span['type'], `${at}.type`, ['span'])) checkComponent(c, span, at, 0);
    });
    if (list && list.length > 0) return;
  }
  c.string(value['text'], `${property}.text`);
}

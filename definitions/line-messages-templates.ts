/** LINE template messages' `template` object: buttons, confirm, carousel and image_carousel. */
import { actionRule, MEDIA_SCHEMES } from './line-messages-actions.js';
import type { JsonPath, LineIssues, ObjectSpec, Rule } from './line-messages-rules.js';
import { isRecord, r } from './line-messages-rules.js';
import { checkMaxLength } from './line-messages-values.js';

const image = r.uri(2000, MEDIA_SCHEMES);
const imageLayout = { imageAspectRatio: r.oneOf('rectangle', 'square'), imageSize: r.oneOf('cover', 'contain') };

/** The text of a buttons template or carousel column is shorter when it has an image or a title (graphemes). */
function textLimit(withImage: number, without: number) {
  return (value: Record<string, unknown>, path: JsonPath, out: LineIssues): void => {
    const text = value['text'];
    if (typeof text !== 'string') return;
    const framed = value['thumbnailImageUrl'] !== undefined || value['title'] !== undefined;
    checkMaxLength(text, framed ? withImage : without, [...path, 'text'], out, 'LINE_TOO_LONG', 'graphemes');
  };
}

/** Every column of a carousel has the same number of actions, and an image and a title in all or none. */
function checkColumns(value: Record<string, unknown>, path: JsonPath, out: LineIssues): void {
  const columns = value['columns'];
  if (!Array.isArray(columns)) return;
  const first = columns.find(isRecord);
  if (first === undefined) return;
  columns.forEach((column, i) => {
    if (!isRecord(column) || column === first) return;
    const count = (c: Record<string, unknown>): number | undefined =>
      Array.isArray(c['actions']) ? c['actions'].length : undefined;
    if (count(column) !== undefined && count(first) !== undefined && count(column) !== count(first)) {
      const message = `every carousel column needs the same number of actions (${count(first)} in the first, ${count(column)} here)`;
      out.add('LINE_BAD_VALUE', message, [...path, 'columns', i, 'actions']);
    }
    for (const key of ['thumbnailImageUrl', 'title']) {
      if ((column[key] === undefined) !== (first[key] === undefined)) {
        out.add('LINE_BAD_VALUE', `give "${key}" in every carousel column or in none`, [...path, 'columns', i]);
      }
    }
  });
}

const carouselColumn: Rule = r.object(() => ({
  name: 'a carousel column',
  required: ['text', 'actions'],
  props: {
    thumbnailImageUrl: image,
    imageBackgroundColor: r.rgb,
    title: r.graphemes(40),
    text: r.text(undefined, { nonEmpty: true }),
    defaultAction: actionRule('defaultAction'),
    actions: r.list(actionRule('template'), 'actions', { min: 1, max: 3 }),
  },
  check: textLimit(60, 120),
}));

const imageColumn: Rule = r.object(() => ({
  name: 'an image carousel column',
  required: ['imageUrl', 'action'],
  props: { imageUrl: image, action: actionRule('imageCarousel') },
}));

const templateSpecs: Record<string, ObjectSpec> = {
  buttons: {
    name: 'a buttons template',
    required: ['text', 'actions'],
    props: {
      thumbnailImageUrl: image,
      ...imageLayout,
      imageBackgroundColor: r.rgb,
      title: r.graphemes(40),
      text: r.text(undefined, { nonEmpty: true }),
      defaultAction: actionRule('defaultAction'),
      actions: r.list(actionRule('template'), 'actions', { min: 1, max: 4 }),
    },
    check: textLimit(60, 160),
  },
  confirm: {
    name: 'a confirm template',
    required: ['text', 'actions'],
    props: {
      text: r.graphemes(240, { nonEmpty: true }),
      actions: r.list(actionRule('template'), 'actions', { min: 2, max: 2 }),
    },
  },
  carousel: {
    name: 'a carousel template',
    required: ['columns'],
    props: { columns: r.list(carouselColumn, 'columns', { min: 1, max: 10 }), ...imageLayout },
    check: checkColumns,
  },
  image_carousel: {
    name: 'an image carousel template',
    required: ['columns'],
    props: { columns: r.list(imageColumn, 'columns', { min: 1, max: 10 }) },
  },
};

/** The rule for a template message's `template`. */
export const templateRule: Rule = { kind: 'typed', family: { what: 'template', variants: () => templateSpecs } };

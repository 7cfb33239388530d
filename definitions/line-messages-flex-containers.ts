/** Flex Message containers: a bubble (header, hero, body, footer) or a carousel of bubbles, and their size limits. */
import { actionRule } from './line-messages-actions.js';
import { flexComponents as components } from './line-messages-flex.js';
import type { JsonPath, LineIssues, ObjectSpec, Rule } from './line-messages-rules.js';
import { hasRuntimeValue, isRecord, r } from './line-messages-rules.js';

const VIDEO_BUBBLE_SIZES = ['kilo', 'mega', 'giga'];

/** A bubble with a video hero is kilo, mega or giga (mega when not given) and stands alone, not in a carousel. */
function checkVideoBubble(value: Record<string, unknown>, path: JsonPath, out: LineIssues, inCarousel: boolean): void {
  const hero = value['hero'];
  if (!isRecord(hero) || hero['type'] !== 'video') return;
  if (inCarousel) {
    out.add('LINE_NOT_ALLOWED_HERE', 'a video cannot be used in a carousel; send it in a bubble of its own', [
      ...path,
      'hero',
      'type',
    ]);
  }
  const size = value['size'];
  if (typeof size === 'string' && !hasRuntimeValue(size) && !VIDEO_BUBBLE_SIZES.includes(size)) {
    out.add('LINE_BAD_VALUE', `a bubble with a video must be ${VIDEO_BUBBLE_SIZES.join(', ')}, not ${size}`, [
      ...path,
      'size',
    ]);
  }
}

/** LINE refuses a bubble without any block, and limits where a video may be. */
function checkBubble(value: Record<string, unknown>, path: JsonPath, out: LineIssues): void {
  const inCarousel = path.at(-2) === 'contents' && typeof path.at(-1) === 'number';
  checkVideoBubble(value, path, out, inCarousel);
  if (['header', 'hero', 'body', 'footer'].some((block) => value[block] !== undefined)) return;
  out.add('LINE_MISSING_PROPERTY', 'a flex bubble needs at least one block: header, hero, body or footer', [
    ...path,
    'body',
  ]);
}

const box: Rule = {
  kind: 'typed',
  family: components,
  allowed: ['box'],
  where: 'as a bubble block (header, body, footer take a box)',
};
const blockStyle = r.object(() => ({
  name: 'a block style',
  props: { backgroundColor: r.color, separator: r.bool, separatorColor: r.color },
}));

const containerSpecs: Record<string, ObjectSpec> = {
  bubble: {
    name: 'a flex bubble',
    check: checkBubble,
    props: {
      size: r.oneOf('nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'),
      direction: r.oneOf('ltr', 'rtl'),
      header: box,
      hero: { kind: 'typed', family: components, allowed: ['box', 'image', 'video'], where: 'as a hero' },
      body: box,
      footer: box,
      styles: r.object(() => ({
        name: 'bubble styles',
        props: { header: blockStyle, hero: blockStyle, body: blockStyle, footer: blockStyle },
      })),
      action: actionRule('flex'),
    },
  },
  carousel: {
    name: 'a flex carousel',
    required: ['contents'],
    props: {
      contents: r.list(
        {
          kind: 'typed',
          family: { what: 'flex container', variants: () => containerSpecs },
          allowed: ['bubble'],
          where: 'in a carousel',
        },
        'bubbles',
        { min: 1, max: 12 },
      ),
    },
  },
};

/** The rule for a flex message's `contents`: a bubble or a carousel. */
export const flexContainerRule: Rule = {
  kind: 'typed',
  family: { what: 'flex container', variants: () => containerSpecs },
};

const SIZE_LIMITS: Record<string, number> = { bubble: 30 * 1024, carousel: 50 * 1024 };

/** LINE refuses a bubble over 30 KB and a carousel over 50 KB of JSON. */
export function checkFlexSize(contents: unknown, path: JsonPath, out: LineIssues): void {
  if (!isRecord(contents)) return;
  const limit = typeof contents['type'] === 'string' ? SIZE_LIMITS[contents['type']] : undefined;
  if (limit === undefined) return;
  const bytes = new TextEncoder().encode(JSON.stringify(contents)).length;
  if (bytes > limit) {
    const message = `this ${String(contents['type'])} is ${Math.ceil(bytes / 1024)} KB of JSON; LINE allows ${limit / 1024} KB`;
    out.add('LINE_FLEX_TOO_LARGE', message, path);
  }
}

/**
 * Flex Message components (box, button, image, video, icon, text, span, separator, filler): their keys,
 * keywords and where each may appear, per LINE's reference. Containers are in `line-messages-flex-containers.ts`.
 */
import { actionRule, MEDIA_SCHEMES } from './line-messages-actions.js';
import type { Family, JsonPath, LineIssues, ObjectSpec, Rule } from './line-messages-rules.js';
import { hasRuntimeValue, r } from './line-messages-rules.js';
import { checkValue } from './line-messages-walk.js';

const SPACES = ['none', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl'] as const;
const FONT_SIZES = ['xxs', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl', '3xl', '4xl', '5xl'] as const;
const media = r.uri(2000, MEDIA_SCHEMES);
const flex = r.int(0);
const margin = r.length(SPACES, 'px');
const offset = r.signedLength(SPACES, 'px', '%');
const placement = {
  position: r.oneOf('relative', 'absolute'),
  offsetTop: offset,
  offsetBottom: offset,
  offsetStart: offset,
  offsetEnd: offset,
};
const align = r.oneOf('start', 'end', 'center');
const gravity = r.oneOf('top', 'bottom', 'center');
const textStyle = {
  color: r.color,
  weight: r.oneOf('regular', 'bold'),
  style: r.oneOf('normal', 'italic'),
  decoration: r.oneOf('none', 'underline', 'line-through'),
};

/** `{width}:{height}`, each 1 to 100000, the height at most three times the width. */
const aspectRatio: Rule = {
  kind: 'custom',
  schema: r.text(undefined, { pattern: /^\d+:\d+$/ }),
  check: (value, path, out) => {
    if (typeof value !== 'string') {
      out.add('WRONG_TYPE', '"aspectRatio" must be text such as "20:13"', path);
      return;
    }
    if (hasRuntimeValue(value)) return;
    const match = /^(\d+):(\d+)$/.exec(value);
    const [w, h] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (!match || w < 1 || h < 1 || w > 100000 || h > 100000) {
      out.add('LINE_BAD_VALUE', `"${value}" is not an aspect ratio; write {width}:{height}, e.g. 20:13`, path);
    } else if (h > 3 * w) {
      out.add('LINE_BAD_VALUE', `"${value}": LINE allows a height of at most three times the width`, path);
    }
  },
};

const BOX_CHILDREN = ['box', 'button', 'image', 'text', 'separator', 'filler'];
const BASELINE_CHILDREN = ['icon', 'text', 'filler'];

function checkBoxContents(value: Record<string, unknown>, path: JsonPath, out: LineIssues): void {
  const layout = value['layout'];
  const baseline = layout === 'baseline';
  const known = layout === 'horizontal' || layout === 'vertical' || baseline;
  const allowed = baseline ? BASELINE_CHILDREN : known ? BOX_CHILDREN : [...BOX_CHILDREN, 'icon'];
  const where = baseline
    ? 'in a baseline box'
    : 'in a horizontal or vertical box (icons go in baseline boxes, videos in the hero)';
  const child: Rule = { kind: 'typed', family: flexComponents, allowed, where };
  checkValue(value['contents'], r.list(child, 'components'), [...path, 'contents'], out);
}

function checkText(value: Record<string, unknown>, path: JsonPath, out: LineIssues): void {
  if (value['text'] === undefined && value['contents'] === undefined) {
    out.add('LINE_MISSING_PROPERTY', 'a flex text needs "text" (or "contents" with spans)', [...path, 'text']);
  }
}

const background: Family = {
  what: 'box background',
  variants: () => ({
    linearGradient: {
      name: 'a linear gradient',
      required: ['angle', 'startColor', 'endColor'],
      props: {
        angle: r.text(undefined, { pattern: /^-?\d+(\.\d+)?deg$/, shape: 'an angle such as 90deg' }),
        startColor: r.color,
        endColor: r.color,
        centerColor: r.color,
        centerPosition: r.length([], '%'),
      },
    },
  }),
};

const componentSpecs: Record<string, ObjectSpec> = {
  box: {
    name: 'a flex box',
    required: ['layout', 'contents'],
    props: {
      layout: r.oneOf('horizontal', 'vertical', 'baseline'),
      // Checked in checkBoxContents: which components a box may hold depends on its layout.
      contents: {
        kind: 'custom',
        check: () => undefined,
        schema: r.list(
          {
            kind: 'typed',
            family: { what: 'flex component', variants: () => componentSpecs },
            allowed: [...BOX_CHILDREN, 'icon'],
          },
          'components',
        ),
      },
      flex,
      spacing: margin,
      margin,
      ...placement,
      backgroundColor: r.color,
      borderColor: r.color,
      borderWidth: r.length(['none', 'light', 'normal', 'medium', 'semi-bold', 'bold'], 'px'),
      cornerRadius: r.length(SPACES, 'px'),
      width: r.length([], 'px', '%'),
      maxWidth: r.length([], 'px', '%'),
      height: r.length([], 'px', '%'),
      maxHeight: r.length([], 'px', '%'),
      paddingAll: offset,
      paddingTop: offset,
      paddingBottom: offset,
      paddingStart: offset,
      paddingEnd: offset,
      action: actionRule('flex'),
      justifyContent: r.oneOf('center', 'flex-start', 'flex-end', 'space-between', 'space-around', 'space-evenly'),
      alignItems: r.oneOf('center', 'flex-start', 'flex-end'),
      background: { kind: 'typed', family: background },
    },
    check: checkBoxContents,
  },
  button: {
    name: 'a flex button',
    required: ['action'],
    props: {
      action: actionRule('flexButton'),
      flex,
      color: r.color,
      style: r.oneOf('primary', 'secondary', 'link'),
      gravity,
      margin,
      ...placement,
      height: r.oneOf('md', 'sm'),
      adjustMode: r.oneOf('shrink-to-fit'),
      scaling: r.bool,
    },
  },
  image: {
    name: 'a flex image',
    required: ['url'],
    props: {
      url: media,
      flex,
      margin,
      ...placement,
      align,
      gravity,
      size: r.length([...FONT_SIZES, 'full'], 'px', '%'),
      aspectRatio,
      aspectMode: r.oneOf('fit', 'cover'),
      backgroundColor: r.color,
      action: actionRule('flex'),
      animated: r.bool,
    },
  },
  video: {
    name: 'a flex video',
    required: ['url', 'previewUrl', 'altContent'],
    props: {
      url: media,
      previewUrl: media,
      altContent: {
        kind: 'typed',
        family: { what: 'flex component', variants: () => componentSpecs },
        allowed: ['box', 'image'],
        where: "as a video's altContent",
      },
      aspectRatio,
      action: actionRule('flex'),
    },
  },
  icon: {
    name: 'a flex icon',
    required: ['url'],
    props: { url: media, size: r.length(FONT_SIZES, 'px', '%'), aspectRatio, margin, ...placement, scaling: r.bool },
  },
  text: {
    name: 'a flex text',
    props: {
      text: r.text(),
      contents: r.list({ kind: 'typed', family: { what: 'span', variants: () => spanSpecs } }, 'spans'),
      flex,
      size: r.length(FONT_SIZES, 'px'),
      align,
      gravity,
      ...textStyle,
      wrap: r.bool,
      lineSpacing: r.length([], 'px'),
      margin,
      ...placement,
      action: actionRule('flex'),
      maxLines: r.int(0),
      adjustMode: r.oneOf('shrink-to-fit'),
      scaling: r.bool,
    },
    check: checkText,
  },
  separator: { name: 'a flex separator', props: { margin, color: r.color } },
  filler: { name: 'a flex filler', props: { flex } },
};

const spanSpecs: Record<string, ObjectSpec> = {
  span: {
    name: 'a flex span',
    required: ['text'],
    props: { text: r.text(), size: r.length(FONT_SIZES, 'px'), ...textStyle },
  },
};

/** Flex components (box, button, image, video, icon, text, separator, filler), told apart by `type`. */
export const flexComponents: Family = { what: 'flex component', variants: () => componentSpecs };

/**
 * The collector the stand-in's validators write to: LINE answers every problem of a body at once, as
 * `details: [{ message, property }]` with properties such as `messages[0].quickReply.items[2].action.label`.
 */

/** One problem, in LINE's shape. */
export interface LineErrorDetail {
  message: string;
  property: string;
}

export type Obj = Record<string, unknown>;

/**
 * What LINE counts a length in: UTF-16 code units (🍎 is two), except for action labels and texts and
 * template texts and titles, counted in grapheme clusters (👨‍👩‍👧 is one) — LINE's "Character counting
 * in a text". The template checks of `definitions/` count the same way.
 */
export type TextUnit = 'utf16' | 'graphemes';

let segmenter: Intl.Segmenter | undefined;
function length(text: string, unit: TextUnit): number {
  if (unit === 'utf16') return text.length;
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

export class Checker {
  readonly details: LineErrorDetail[] = [];

  add(property: string, message: string): void {
    this.details.push({ message, property });
  }

  /** True when `value` is a plain object; adds `must be specified` / `must be an object` otherwise. */
  object(value: unknown, property: string, required = true): value is Obj {
    if (value === undefined || value === null) {
      if (required) this.add(property, 'must be specified');
      return false;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.add(property, 'must be an object');
      return false;
    }
    return true;
  }

  /** A string of `min..max` UTF-16 units (or graphemes, as `unit` says); absent is refused when `required`. */
  string(
    value: unknown,
    property: string,
    opts: { min?: number; max?: number; required?: boolean; unit?: TextUnit } = {},
  ): boolean {
    if (value === undefined || value === null) {
      if (opts.required ?? true) this.add(property, 'must be specified');
      return false;
    }
    if (typeof value !== 'string') {
      this.add(property, 'must be a string');
      return false;
    }
    const min = opts.min ?? 1;
    const max = opts.max ?? Number.MAX_SAFE_INTEGER;
    const n = length(value, opts.unit ?? 'utf16');
    if (n < min || n > max) {
      this.add(property, min === 1 && n === 0 ? 'must be non-empty text' : `Length must be between ${min} and ${max}`);
      return false;
    }
    return true;
  }

  /** An array of `min..max` items; returns it, or null. */
  array(value: unknown, property: string, min: number, max: number, required = true): unknown[] | null {
    if (value === undefined || value === null) {
      if (required) this.add(property, 'must be specified');
      return null;
    }
    if (!Array.isArray(value)) {
      this.add(property, 'must be an array');
      return null;
    }
    if (value.length < min || value.length > max) {
      this.add(property, `Size must be between ${min} and ${max}`);
      return null;
    }
    return value as unknown[];
  }

  oneOf(value: unknown, property: string, allowed: readonly string[], required = true): boolean {
    if (value === undefined) {
      if (required) this.add(property, 'must be specified');
      return false;
    }
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.add(property, `must be one of the following values: [${allowed.join(', ')}]`);
      return false;
    }
    return true;
  }

  number(value: unknown, property: string, opts: { integer?: boolean; min?: number; required?: boolean } = {}): void {
    if (value === undefined) {
      if (opts.required ?? true) this.add(property, 'must be specified');
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value))) {
      this.add(property, opts.integer ? 'must be an integer' : 'must be a number');
    } else if (opts.min !== undefined && value < opts.min) {
      this.add(property, `must be greater than or equal to ${opts.min}`);
    }
  }

  boolean(value: unknown, property: string): void {
    if (value !== undefined && typeof value !== 'boolean') this.add(property, 'must be a boolean');
  }

  /** A URL with one of `schemes` and at most `max` characters (LINE: `https` for media, 2000 characters). */
  url(value: unknown, property: string, opts: { schemes?: readonly string[]; max?: number; required?: boolean } = {}) {
    if (!this.string(value, property, { max: opts.max ?? 2000, required: opts.required ?? true })) return;
    const schemes = opts.schemes ?? ['https'];
    let scheme: string;
    try {
      scheme = new URL(value as string).protocol.replace(/:$/, '');
    } catch {
      this.add(property, 'invalid uri');
      return;
    }
    if (!schemes.includes(scheme)) this.add(property, `invalid uri scheme: must be ${schemes.join(' or ')}`);
  }
}

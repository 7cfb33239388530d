/**
 * The console's languages: Japanese by default, English when the browser prefers it (`Accept-Language`)
 * or when the user chose it with the switch (a cookie). Each page module keeps its own messages, in both
 * languages, checked by the compiler to have the same keys. Dates are shown in the shop's time zone.
 */

/** The console's languages. */
export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** A module's messages: the same keys in every language; `{name}` marks a parameter. */
export type Messages<K extends string> = Record<Lang, Record<K, string>>;

/** Declares a module's messages (the identity, so the keys are inferred and checked per language). */
export function defineMessages<K extends string>(messages: Messages<K>): Messages<K> {
  return messages;
}

/** Looks up a message and fills its `{name}` parameters. */
export type Translate<K extends string> = (key: K, params?: Record<string, string | number>) => string;

/** The translator of `messages` in `lang`. */
export function translator<K extends string>(messages: Messages<K>, lang: Lang): Translate<K> {
  const table = messages[lang];
  return (key, params) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}

export const isLang = (value: unknown): value is Lang => value === 'ja' || value === 'en';

/**
 * The language of a request: the remembered choice, else the first of ja/en in `Accept-Language` by
 * quality (`en-US;q=0.9, ja;q=0.8` is English), else Japanese.
 */
export function pickLanguage(remembered: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(remembered)) return remembered;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && isLang(entry.lang))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranked[0]?.lang as Lang | undefined) ?? 'ja';
}

/** Formats figures and instants for one language and the shop's time zone. */
export interface Formatters {
  /** `2026/12/07 10:00 JST` / `Dec 7, 2026, 10:00 GMT+9`; `—` for no date. */
  dateTime(value: Date | number | null | undefined): string;
  /** A whole number with grouping. */
  number(value: number): string;
  /** A share (0.1234 → `12.3%`); `—` when not a number. */
  percent(value: number | null): string;
}

/** Formatters for `lang` in `timeZone` (an IANA zone). */
export function formatters(lang: Lang, timeZone: string): Formatters {
  const locale = lang === 'ja' ? 'ja-JP' : 'en-US';
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
  });
  const zone = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' });
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return {
    dateTime(value) {
      if (value === null || value === undefined) return '—';
      const date = new Date(value);
      const zoneName = zone.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
      return `${dateTime.format(date)} ${zoneName}`;
    },
    number: (value) => number.format(value),
    percent: (value) => (value === null || !Number.isFinite(value) ? '—' : percent.format(value)),
  };
}

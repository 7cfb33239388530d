// The console's pure parts: escaping in the html template, the table and fact list helpers, the language choice, the redirect target
// after a language switch, and the formatters in the shop's time zone.
import { describe, expect, it } from 'vitest';
import { dataTable, factList, html, join, raw } from '../../api/console/html.js';
import { formatters, pickLanguage, translator, defineMessages } from '../../api/console/i18n.js';
import { safeNext } from '../../api/console/sign-in.js';
import { consoleOptionsFromEnv } from '../../api/console/deps.js';

describe('html', () => {
  it('escapes interpolated text and attributes, keeps Html as is', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>',
    );
    expect(html`<p>${html`<b>${'<i>'}</b>`}</p>`.value).toBe('<p><b>&lt;i&gt;</b></p>');
    expect(html`${[1, '<', raw('<br>')]}${null}${undefined}${false}`.value).toBe('1&lt;<br>');
    expect(join(['a', '<b>'], raw('<br>')).value).toBe('a<br>&lt;b&gt;');
  });
});

describe('dataTable and factList', () => {
  const squash = (markup: { value: string }) => markup.value.replace(/\s+</g, '<').replace(/>\s+/g, '>');

  it('draws a caption, one column head per text, header cells given as markup as they are, and the rows', () => {
    const table = dataTable({
      className: 'report x',
      caption: 'A & B',
      heads: ['<Name>', html`<th scope="col" class="num">n</th>`],
      rows: [
        html`<tr>
          <th scope="row">a</th>
          <td>1</td>
        </tr>`,
      ],
    });
    expect(squash(table)).toBe(
      '<table class="data report x"><caption>A &amp; B</caption><thead><tr><th scope="col">&lt;Name&gt;</th>' +
        '<th scope="col" class="num">n</th></tr></thead><tbody><tr><th scope="row">a</th><td>1</td></tr></tbody></table>',
    );
  });

  it('leaves the caption out when the table has none', () => {
    expect(squash(dataTable({ className: 'fields', heads: ['k'], rows: [] }))).toBe(
      '<table class="data fields"><thead><tr><th scope="col">k</th></tr></thead><tbody></tbody></table>',
    );
  });

  it('lists each fact as a term and its value in a div named by its field, escaping both', () => {
    const list = factList('consent', [
      { field: 'consent.email', term: 'Email', value: '<subscribed>' },
      { field: 'a"b', term: '<T>', value: 3 },
    ]);
    expect(squash(list)).toBe(
      '<dl class="facts consent"><div data-field="consent.email"><dt>Email</dt><dd>&lt;subscribed&gt;</dd></div>' +
        '<div data-field="a&quot;b"><dt>&lt;T&gt;</dt><dd>3</dd></div></dl>',
    );
  });
});

describe('pickLanguage', () => {
  it.each([
    [undefined, undefined, 'ja'],
    [undefined, 'en-US,en;q=0.9', 'en'],
    [undefined, 'ja,en-US;q=0.8', 'ja'],
    [undefined, 'en-US;q=0.5, ja;q=0.8', 'ja'],
    [undefined, 'fr-FR, en;q=0.3', 'en'],
    [undefined, 'fr-FR, de', 'ja'],
    [undefined, 'en;q=0', 'ja'],
    ['en', 'ja', 'en'],
    ['ja', 'en-US', 'ja'],
    ['xx', 'en-US', 'en'],
  ])('remembered %s, Accept-Language %s: %s', (remembered, accept, lang) => {
    expect(pickLanguage(remembered, accept)).toBe(lang);
  });
});

describe('translator', () => {
  it('fills parameters and leaves unknown ones visible', () => {
    const m = defineMessages({ ja: { hi: '{name} さん {x}' }, en: { hi: 'Hi {name} {x}' } });
    expect(translator(m, 'ja')('hi', { name: '花子' })).toBe('花子 さん {x}');
    expect(translator(m, 'en')('hi', { name: 'Hanako', x: 2 })).toBe('Hi Hanako 2');
  });
});

describe('safeNext', () => {
  it.each([
    ['/console/journeys/a?version=2', '/console/journeys/a?version=2'],
    ['/console', '/console'],
    ['//evil.example/console', '/console/journeys'],
    ['https://evil.example/console', '/console/journeys'],
    ['/consolex', '/console/journeys'],
    ['/console/\\evil', '/console/journeys'],
    [['/console/a'], '/console/journeys'],
    [undefined, '/console/journeys'],
  ])('%s -> %s', (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });
});

describe('formatters', () => {
  const instant = Date.parse('2026-12-07T15:30:00Z');
  it('shows instants in the shop time zone, per language', () => {
    expect(formatters('ja', 'Asia/Tokyo').dateTime(instant)).toBe('2026/12/08 0:30 JST');
    expect(formatters('en', 'Asia/Tokyo').dateTime(instant)).toBe('Dec 8, 2026, 00:30 GMT+9');
    expect(formatters('en', 'America/Los_Angeles').dateTime(instant)).toBe('Dec 7, 2026, 07:30 PST');
    expect(formatters('ja', 'Asia/Tokyo').dateTime(null)).toBe('—');
  });
  it('formats numbers and shares', () => {
    expect(formatters('en', 'UTC').number(12345)).toBe('12,345');
    expect(formatters('en', 'UTC').percent(0.1234)).toBe('12.3%');
    expect(formatters('en', 'UTC').percent(null)).toBe('—');
  });
});

describe('consoleOptionsFromEnv', () => {
  it('reads the shop zone and refuses a wrong one', () => {
    expect(consoleOptionsFromEnv({}).timeZone).toBe('Asia/Tokyo');
    expect(consoleOptionsFromEnv({ SHOP_TIMEZONE: 'Europe/Paris' }).timeZone).toBe('Europe/Paris');
    expect(() => consoleOptionsFromEnv({ SHOP_TIMEZONE: 'Asia/Tokio' })).toThrow(/SHOP_TIMEZONE/);
    expect(() => consoleOptionsFromEnv({ KIZUNA_CONSOLE_SESSION_HOURS: 'x' })).toThrow(/SESSION_HOURS/);
    expect(consoleOptionsFromEnv({ NODE_ENV: 'production' }).secureCookies).toBe(true);
    expect(
      consoleOptionsFromEnv({ NODE_ENV: 'production', KIZUNA_CONSOLE_SECURE_COOKIES: 'false' }).secureCookies,
    ).toBe(false);
  });
});

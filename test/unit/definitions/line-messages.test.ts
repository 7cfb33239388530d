import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLineMessages } from '../../../definitions/line-messages.js';
import { checkTemplate } from '../../../definitions/templates.js';
import { FIXTURES, asExpected, expectationsOf, fixtureFiles } from './fixture-helpers.js';

const DIR = join(FIXTURES, 'line-messages');
const BUBBLE = { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [] } };
const links = { shop: 'https://shop.example.jp' };
const byPosition = <T extends { line: number; col: number; code: string }>(list: T[]): T[] =>
  [...list].sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));

function problemsOf(file: string) {
  return checkTemplate('line', { file, source: readFileSync(file, 'utf8') }, { links }).problems.map(asExpected);
}

describe('LINE messages that LINE accepts pass', () => {
  it.each(fixtureFiles(join(DIR, 'valid')))('%s', (file) => {
    expect(problemsOf(file)).toEqual([]);
  });
});

describe('LINE messages that LINE refuses are reported at their line and column', () => {
  it.each(fixtureFiles(join(DIR, 'invalid')))('%s', (file) => {
    const expected = expectationsOf(file);
    expect(expected.length).toBeGreaterThan(0);
    expect(byPosition(problemsOf(file))).toEqual(byPosition(expected));
  });
});

describe('checkLineMessages', () => {
  const codes = (messages: unknown) => checkLineMessages(messages).map((i) => [i.code, i.path.join('.')]);

  it('counts lengths in UTF-16 code units, as LINE does', () => {
    expect(codes([{ type: 'text', text: 'あ'.repeat(4998) + '😀' }])).toEqual([]);
    expect(codes([{ type: 'text', text: 'あ'.repeat(4999) + '😀' }])).toEqual([
      ['LINE_TEXT_TOO_LONG', 'messages.0.text'],
    ]);
  });

  it('counts action labels and texts and template texts and titles in grapheme clusters, as LINE does', () => {
    // LINE's "Character counting in a text": these properties count grapheme clusters, not UTF-16 units.
    const family = '👨‍👩‍👧';
    const item = (action: object) => ({ type: 'action', action });
    const quick = (action: object) => [{ type: 'text', text: 'x', quickReply: { items: [item(action)] } }];
    expect(codes(quick({ type: 'message', label: family.repeat(20), text: '😀'.repeat(300) }))).toEqual([]);
    expect(codes(quick({ type: 'message', label: family.repeat(21), text: '😀'.repeat(301) }))).toEqual([
      ['LINE_TOO_LONG', 'messages.0.quickReply.items.0.action.label'],
      ['LINE_TOO_LONG', 'messages.0.quickReply.items.0.action.text'],
    ]);
    const postback = (n: number) => ({
      type: 'postback',
      label: 'a',
      data: 'd',
      displayText: '😀'.repeat(n),
      fillInText: '😀'.repeat(n),
    });
    expect(codes(quick(postback(300)))).toEqual([]);
    expect(codes(quick(postback(301))).map(([, path]) => path)).toEqual([
      'messages.0.quickReply.items.0.action.displayText',
      'messages.0.quickReply.items.0.action.fillInText',
    ]);
    const action = { type: 'message', label: 'a', text: 'a' };
    // With a title, a buttons template's or carousel column's text holds 60.
    const buttons = (title: number, text: number) => ({
      type: 'buttons',
      title: '😀'.repeat(title),
      text: '😀'.repeat(text),
      actions: [action],
    });
    const confirm = (n: number) => ({ type: 'confirm', text: '😀'.repeat(n), actions: [action, action] });
    const carousel = (title: number, text: number) => ({
      type: 'carousel',
      columns: [{ title: '😀'.repeat(title), text: '😀'.repeat(text), actions: [action] }],
    });
    const template = (t: object) => [{ type: 'template', altText: 'x', template: t }];
    expect(codes(template(buttons(40, 60)))).toEqual([]);
    expect(codes(template(buttons(41, 61))).map(([, path]) => path)).toEqual([
      'messages.0.template.title',
      'messages.0.template.text',
    ]);
    expect(codes(template(confirm(240)))).toEqual([]);
    expect(codes(template(confirm(241)))).toEqual([['LINE_TOO_LONG', 'messages.0.template.text']]);
    expect(codes(template(carousel(40, 60)))).toEqual([]);
    expect(codes(template(carousel(41, 61))).map(([, path]) => path)).toEqual([
      'messages.0.template.columns.0.title',
      'messages.0.template.columns.0.text',
    ]);
    // Everything else counts UTF-16 units: a sender name of 10 emoji is 20, 11 is too long.
    const sender = (name: string) => [{ type: 'text', text: 'x', sender: { name } }];
    expect(codes(sender('😀'.repeat(10)))).toEqual([]);
    expect(codes(sender('😀'.repeat(10) + 'a'))).toEqual([['LINE_TOO_LONG', 'messages.0.sender.name']]);
  });

  it('gives each limit at its boundary', () => {
    const postback = (data: string) => [
      {
        type: 'text',
        text: 'x',
        quickReply: { items: [{ type: 'action', action: { type: 'postback', label: 'a', data } }] },
      },
    ];
    expect(codes(postback('d'.repeat(300)))).toEqual([]);
    expect(codes(postback('d'.repeat(301)))).toEqual([['LINE_TOO_LONG', 'messages.0.quickReply.items.0.action.data']]);
    const flex = (altText: string) => [{ type: 'flex', altText, contents: BUBBLE }];
    expect(codes(flex('a'.repeat(1500)))).toEqual([]);
    expect(codes(flex('a'.repeat(1501)))).toEqual([['LINE_ALT_TEXT_TOO_LONG', 'messages.0.altText']]);
    const template = (altText: string) => [
      {
        type: 'template',
        altText,
        template: {
          type: 'confirm',
          text: 'ok?',
          actions: [
            { type: 'message', label: 'y', text: 'y' },
            { type: 'message', label: 'n', text: 'n' },
          ],
        },
      },
    ];
    expect(codes(template('a'.repeat(1500)))).toEqual([]);
    expect(codes(template('a'.repeat(1501)))).toEqual([['LINE_ALT_TEXT_TOO_LONG', 'messages.0.altText']]);
    const items = (n: number) =>
      Array.from({ length: n }, () => ({ type: 'action', action: { type: 'camera', label: 'c' } }));
    expect(codes([{ type: 'text', text: 'x', quickReply: { items: items(13) } }])).toEqual([]);
    expect(codes([{ type: 'text', text: 'x', quickReply: { items: items(14) } }])).toEqual([
      ['LINE_TOO_MANY_QUICK_REPLIES', 'messages.0.quickReply.items.13'],
    ]);
    const bubbles = (n: number) => ({
      type: 'carousel',
      contents: Array.from({ length: n }, () => BUBBLE),
    });
    expect(codes([{ type: 'flex', altText: 'a', contents: bubbles(12) }])).toEqual([]);
    expect(codes([{ type: 'flex', altText: 'a', contents: bubbles(13) }])).toEqual([
      ['LINE_TOO_MANY_ITEMS', 'messages.0.contents.contents.12'],
    ]);
  });

  it('follows LINE on flex blocks, signed offsets and template colors', () => {
    const flex = (contents: unknown) => [{ type: 'flex', altText: 'a', contents }];
    expect(codes(flex({ type: 'bubble' }))).toEqual([['LINE_MISSING_PROPERTY', 'messages.0.contents.body']]);
    const box = (props: Record<string, unknown>) => flex({ type: 'bubble', body: { ...BUBBLE.body, ...props } });
    expect(codes(box({ offsetTop: '-4px', paddingStart: '-5%', margin: '8px' }))).toEqual([]);
    expect(codes(box({ margin: '-8px' }))).toEqual([['LINE_BAD_VALUE', 'messages.0.contents.body.margin']]);
    const buttons = (color: string) => [
      {
        type: 'template',
        altText: 'a',
        template: {
          type: 'buttons',
          text: 't',
          imageBackgroundColor: color,
          actions: [{ type: 'message', label: 'l', text: 't' }],
        },
      },
    ];
    expect(codes(buttons('#FFFFFF'))).toEqual([]);
    expect(codes(buttons('#FFFFFF80'))).toEqual([['LINE_BAD_VALUE', 'messages.0.template.imageBackgroundColor']]);
  });

  it('keeps a video in the hero of a kilo, mega or giga bubble of its own', () => {
    const video = {
      type: 'video',
      url: 'https://a.jp/v.mp4',
      previewUrl: 'https://a.jp/v.jpg',
      altContent: { type: 'image', url: 'https://a.jp/v.jpg' },
    };
    const flex = (contents: unknown) => [{ type: 'flex', altText: 'a', contents }];
    expect(codes(flex({ type: 'bubble', hero: video }))).toEqual([]);
    expect(codes(flex({ type: 'bubble', size: 'micro', hero: video }))).toEqual([
      ['LINE_BAD_VALUE', 'messages.0.contents.size'],
    ]);
    expect(codes(flex({ type: 'carousel', contents: [{ type: 'bubble', hero: video }] }))).toEqual([
      ['LINE_NOT_ALLOWED_HERE', 'messages.0.contents.contents.0.hero.type'],
    ]);
    expect(codes(flex({ type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [video] } }))).toEqual([
      ['LINE_NOT_ALLOWED_HERE', 'messages.0.contents.body.contents.0.type'],
    ]);
  });

  it('accepts the URI schemes LINE opens and refuses the others', () => {
    const uri = (u: string) => [
      {
        type: 'template',
        altText: 'a',
        template: { type: 'buttons', text: 't', actions: [{ type: 'uri', label: 'l', uri: u }] },
      },
    ];
    for (const ok of [
      'https://shop.example.jp/a?b=1',
      'http://shop.example.jp',
      'line://ti/p/@kizuna',
      'tel:0120000000',
    ]) {
      expect(codes(uri(ok))).toEqual([]);
    }
    for (const bad of [
      '',
      'shop.example.jp',
      'mailto:a@example.jp',
      'javascript:alert(1)',
      'https://',
      'https://a b.jp',
    ]) {
      expect(codes(uri(bad))).toEqual([['LINE_BAD_URI', 'messages.0.template.actions.0.uri']]);
    }
    expect(codes(uri('u'.repeat(0) + 'https://shop.example.jp/' + 'a'.repeat(980)))).toEqual([
      ['LINE_TOO_LONG', 'messages.0.template.actions.0.uri'],
    ]);
  });

  it('refuses a push of more than five or no messages, and what is not a message', () => {
    expect(codes([])).toEqual([['LINE_NO_MESSAGES', 'messages']]);
    expect(codes(Array.from({ length: 6 }, () => ({ type: 'sticker', packageId: '1', stickerId: '1' })))).toEqual([
      ['LINE_TOO_MANY_MESSAGES', 'messages.5'],
    ]);
    expect(codes(['hello'])).toEqual([['LINE_BAD_MESSAGE', 'messages.0']]);
  });
});

describe('the trial render of a LINE template', () => {
  const check = (source: string, options = { links }) =>
    checkTemplate('line', { file: 't.yaml', source }, options).problems.map((p) => [p.code, p.line, p.col, p.message]);

  it('refuses a uri that renders empty because its link is not declared', () => {
    const source =
      "messages:\n  - type: template\n    altText: a\n    template: { type: buttons, text: t, actions: [{ type: uri, label: l, uri: '{{ links.shpo }}' }] }\n";
    expect(check(source)).toEqual([
      ['UNDECLARED_VARIABLE', 4, 83, 'no link "shpo" is declared in links.yaml'],
      [
        'LINE_BAD_URI',
        4,
        79,
        '"uri" is empty after rendering; LINE refuses a message without it (links.shpo is not declared in links.yaml)',
      ],
    ]);
  });

  it('accepts values only known at send time, and checks what is written around them', () => {
    const action = (uri: string) =>
      `messages:\n  - type: template\n    altText: a\n    template: { type: buttons, text: t, actions: [{ type: uri, label: l, uri: '${uri}' }] }\n`;
    expect(check(action('{{ event.productUrl }}'))).toEqual([]);
    expect(check(action('{{ links.shop }}/items/{{ event.sku | url_encode }}'))).toEqual([]);
    expect(check(action('ftp://{{ event.host }}')).map((p) => p[0])).toEqual(['LINE_BAD_URI']);
    expect(check(action('{{ links.anything }}'), { links: undefined } as never)).toEqual([]);
  });
});

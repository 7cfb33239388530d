import { describe, expect, it } from 'vitest';
import { loadTemplateCatalog } from '../../../definitions/catalog.js';
import { createTemplateEngine } from '../../../definitions/template-liquid.js';
import { checkTemplate } from '../../../definitions/templates.js';
import type { EmailTemplate, LineTemplate } from '../../../definitions/templates.js';

const catalog = loadTemplateCatalog('definitions/templates');
const data = {
  profile: { lastName: '山田', displayName: 'やまだ', renewalDate: '2026-12-01T00:00:00+09:00', orderCount: 7 },
  event: { title: '秋の試飲会', startsAt: '2026-12-05T14:00:00+09:00', total: 4800 },
  journey: { id: 'winback-90d' },
  links: { shop: 'https://shop.example.jp', unsubscribe: 'https://shop.example.jp/u/abc', cart: 'c', mypage: 'm' },
};

describe('example templates', () => {
  const variants = Object.entries(catalog).flatMap(([name, byChannel]) =>
    Object.entries(byChannel).map(([channel, source]) => [`${channel}/${name}`, channel, source] as const),
  );

  it.each(variants)('%s checks clean and renders', async (_name, channel, source) => {
    const check = checkTemplate(channel === 'line' ? 'line' : 'email', source);
    expect(check.problems).toEqual([]);
    expect(check.template).not.toBeNull();
    const engine = createTemplateEngine();
    const strings =
      channel === 'email'
        ? [(check.template as EmailTemplate).subject, (check.template as EmailTemplate).html ?? '']
        : (check.template as LineTemplate).messages.map((m) => JSON.stringify(m));
    for (const text of strings) {
      const rendered = String(await engine.parseAndRender(text, data));
      expect(rendered).not.toMatch(/\{\{|\{%/);
    }
  });

  it('renders Japanese copy with the profile', async () => {
    const check = checkTemplate('email', catalog['winback-coupon']!.email!);
    const body = (check.template as EmailTemplate).html ?? '';
    const html = String(await createTemplateEngine().parseAndRender(body, data));
    expect(html).toContain('<p>山田様</p>');
    expect(html).toContain('href="https://shop.example.jp/u/abc"');
  });

  it('is checked once per source and options', () => {
    const source = catalog['winback-1']!.line!;
    expect(checkTemplate('line', source)).toBe(checkTemplate('line', source));
    expect(checkTemplate('line', source, { profileFields: new Set(['lastName']) })).not.toBe(
      checkTemplate('line', source),
    );
  });

  it('warns about undeclared profile fields only when fields are declared', () => {
    const source = {
      file: 't.yaml',
      source: "subject: '{{ profile.nickname }}'\nhtml: <p>{{ links.unsubscribe }}</p>\n",
    };
    expect(checkTemplate('email', source).problems).toEqual([]);
    const warned = checkTemplate('email', source, { profileFields: new Set(['lastName']) }).problems;
    expect(warned.map((p) => [p.code, p.severity, p.line, p.col])).toEqual([['UNDECLARED_VARIABLE', 'warning', 1, 14]]);
  });
});

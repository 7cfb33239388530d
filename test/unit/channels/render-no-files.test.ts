import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTemplate, renderEmail, renderLine, TemplateRenderError } from '../../../channels/render.js';
import { checkTemplate } from '../../../definitions/templates.js';
import { createTemplateEngine } from '../../../definitions/template-liquid.js';

// A file every checkout has in the working directory, standing in for `.env` or the databases.
const secretish = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; description?: string };
const scope = {
  profile: { lastName: 'Yamada' },
  event: null,
  journey: { id: 'j', version: 1, stepId: 's' },
  links: { unsubscribe: 'https://u.example/x' },
};
const emailWith = (html: string) => ({
  file: 'reads.yaml',
  source: `subject: Hi\nhtml: |\n  ${html}\n  <a href="{{ links.unsubscribe }}">stop</a>\n`,
});

describe('templates cannot reach files', () => {
  it.each([
    ["{% include '.env' %}", 3, 3],
    ['<p>{% render "package.json" %}</p>', 3, 6],
    ["{% layout 'package.json' %}", 3, 3],
    ["{% liquid echo 1\n    include 'package.json' %}", 4, 5],
  ])('validate refuses %j with LIQUID_FILE_TAG at its position', (html, line, col) => {
    const check = checkTemplate('email', emailWith(html));
    expect(check.template).toBeNull();
    expect(check.problems.map((p) => [p.code, p.file, p.line, p.col])).toEqual([
      ['LIQUID_FILE_TAG', 'reads.yaml', line, col],
    ]);
  });

  it('a template that got in another way does not render a file', async () => {
    for (const html of ["{% include 'package.json' %}", "{% render 'package.json' %}", "{% layout 'package.json' %}"]) {
      const template = parseTemplate('email', 'reads.yaml', emailWith(html).source);
      const rendering = renderEmail(template, scope);
      await expect(rendering).rejects.toBeInstanceOf(TemplateRenderError);
      await expect(rendering).rejects.not.toThrow(secretish.name);
    }
    const line = parseTemplate(
      'line',
      'l.yaml',
      'messages:\n  - type: text\n    text: "{% include \'package.json\' %}"\n',
    );
    await expect(renderLine(line, scope)).rejects.toBeInstanceOf(TemplateRenderError);
  });

  it('the engine has no file system even when asked for a file directly', async () => {
    const engine = createTemplateEngine();
    await expect(engine.renderFile('package.json')).rejects.toThrow(/ENOENT/);
    expect(() => void engine.renderFileSync('package.json')).toThrow(/ENOENT/);
    await expect(engine.renderFile(`${process.cwd()}/package.json`)).rejects.toThrow(/ENOENT/);
  });
});

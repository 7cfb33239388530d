import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDefinitionsRoot } from '../../../definitions/catalog.js';
import { validatePaths } from '../../../cli/validate.js';

const REPO = resolve('.');
const JOURNEY = `journey: j
name: J
entry: { event: order.completed }
steps:
  - send: { channel: line, template: hello }
`;
const HELLO = 'messages:\n  - type: text\n    text: こんにちは {{ profile.nickname }}\n';

/** Writes `files` (path -> text) under a fresh temporary folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kizuna-root-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Runs the kizuna command from `cwd` (not the repository). */
function kizuna(cwd: string, ...args: string[]) {
  const loader = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  return spawnSync(process.execPath, ['--import', loader, join(REPO, 'cli', 'index.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the definitions folder of a journey', { timeout: 120_000 }, () => {
  it('is found from the journey upwards, whatever the working folder', () => {
    const root = tree({
      'shop/templates/line/hello.yaml': HELLO,
      'shop/profile-fields.yaml': 'fields:\n  nickname: { type: string }\n',
      'shop/campaigns/spring/j.yaml': JOURNEY,
      'repo/definitions/profile-fields.yaml': 'fields: {}\n',
      'repo/campaigns/j.yaml': JOURNEY,
      'bare/j.yaml': JOURNEY,
      'named/definitions/journeys/j.yaml': JOURNEY,
    });
    expect(findDefinitionsRoot(join(root, 'shop/campaigns/spring/j.yaml'))).toBe(join(root, 'shop'));
    expect(findDefinitionsRoot(join(root, 'repo/campaigns/j.yaml'))).toBe(join(root, 'repo/definitions'));
    expect(findDefinitionsRoot(join(root, 'named/definitions/journeys/j.yaml'))).toBe(join(root, 'named/definitions'));
    expect(findDefinitionsRoot(join(root, 'bare/j.yaml'))).toBe(join(root, 'bare'));
    expect(findDefinitionsRoot('definitions/journeys/winback.yaml')).toBe('definitions');
  });

  it('gives validate the templates and profile fields beside the journey, not the working folder’s', () => {
    const root = tree({
      'templates/line/hello.yaml': HELLO,
      'profile-fields.yaml': 'fields:\n  nickname: { type: string }\n',
      'campaigns/j.yaml': JOURNEY,
    });
    const elsewhere = mkdtempSync(join(tmpdir(), 'kizuna-cwd-'));
    const absolute = kizuna(elsewhere, 'validate', join(root, 'campaigns', 'j.yaml'));
    expect(absolute.stdout).toBe('✔ 1 file valid\n');
    expect(absolute.status).toBe(0);
    const relative = kizuna(root, 'validate', join('campaigns', 'j.yaml'));
    expect(relative.stdout).toBe('✔ 1 file valid\n');
    const compiled = kizuna(elsewhere, 'compile', join(root, 'campaigns', 'j.yaml'));
    expect((JSON.parse(compiled.stdout) as { templates: Record<string, unknown> }).templates).toHaveProperty('hello');
    expect(kizuna(elsewhere, 'graph', join(root, 'campaigns', 'j.yaml')).stdout).toContain('flowchart');
    writeFileSync(
      join(root, 'profile.json'),
      '{ "customerId": "c1", "lineUserId": "U1", "consent": { "line": "following" } }',
    );
    const simulated = kizuna(
      elsewhere,
      'simulate',
      join(root, 'campaigns', 'j.yaml'),
      '--profile',
      join(root, 'profile.json'),
      '--start',
      '2026-11-02T10:00:00+09:00',
    );
    expect(simulated.stdout).toContain('sent hello by LINE');
    expect(simulated.status).toBe(0);
  });

  it('names the folder it searched when a template is missing', () => {
    const root = tree({ 'j.yaml': JOURNEY });
    const result = kizuna(REPO, 'validate', join(root, 'j.yaml'));
    expect(result.stdout).toContain(`UNKNOWN_TEMPLATE: no template named "hello" in ${join(root, 'templates')}`);
    expect(result.status).toBe(1);
    const report = validatePaths(['test/fixtures/definitions/invalid/unknown-template.yaml']);
    expect(report.problems.map((p) => p.message)).toEqual([
      'no template named "winback-l" in test/fixtures/definitions/invalid/templates',
    ]);
  });

  it('is the folder given with --definitions, for validate, compile, graph and simulate', () => {
    const defs = tree({ 'templates/line/hello.yaml': HELLO, 'profile-fields.yaml': 'fields: {}\n' });
    const journeys = tree({ 'j.yaml': JOURNEY });
    const elsewhere = mkdtempSync(join(tmpdir(), 'kizuna-cwd-'));
    const file = join(journeys, 'j.yaml');
    const validated = kizuna(elsewhere, 'validate', '--definitions', defs, file);
    expect(validated.stdout).toContain(
      `${join(defs, 'templates', 'line', 'hello.yaml')}:3:20 warning UNDECLARED_VARIABLE`,
    );
    expect(validated.status).toBe(0);
    expect(kizuna(elsewhere, 'compile', '--definitions', defs, file).status).toBe(0);
    expect(kizuna(elsewhere, 'graph', '--definitions', defs, file).status).toBe(0);
    expect(kizuna(elsewhere, 'compile', file).stderr).toContain('UNKNOWN_TEMPLATE');
    writeFileSync(
      join(journeys, 'profile.json'),
      '{ "customerId": "c1", "lineUserId": "U1", "consent": { "line": "following" } }',
    );
    const simulate = ['simulate', file, '--profile', join(journeys, 'profile.json'), '--start', '2026-11-02T10:00:00Z'];
    const simulated = kizuna(elsewhere, ...simulate, '--definitions', defs);
    expect(simulated.stdout).toContain('sent hello by LINE');
    expect(simulated.status).toBe(0);
    const unfound = kizuna(elsewhere, ...simulate);
    expect(unfound.stderr).toContain(`UNKNOWN_TEMPLATE: no template named "hello" in ${join(journeys, 'templates')}`);
    expect(unfound.status).toBe(1);
  });

  it('gives simulate the profile fields declared date, and notes date text in the others', () => {
    const root = tree({
      'profile-fields.yaml': 'fields:\n  lastOrderAt: { type: date }\n  memo: { type: string }\n',
      'templates/email/hello.yaml': 'subject: Hi\nhtml: "<a href=\'{{ links.unsubscribe }}\'>stop</a>"\n',
      'journeys/j.yaml': `journey: j
name: J
entry: { api: true }
steps:
  - id: lapsed
    if: { lastOrderAt: { $olderThan: 90d } }
    then:
      - send: { channel: email, template: hello }
`,
      'profile.json':
        '{ "id": "c1", "email": "a@x.jp", "consent": { "email": "subscribed" }, "lastOrderAt": "2026-01-01", "memo": "2026-01-01" }',
    });
    const result = kizuna(
      REPO,
      'simulate',
      join(root, 'journeys', 'j.yaml'),
      '--profile',
      join(root, 'profile.json'),
      '--start',
      '2026-11-02T10:00:00+09:00',
      '--json',
    );
    const run = JSON.parse(result.stdout) as { notes: string[]; sends: unknown[] };
    expect(run.sends).toHaveLength(1);
    expect(run.notes).toEqual([
      'the profile\'s memo "2026-01-01" looks like a date but is not declared `type: date` in profile-fields.yaml: conditions read it as text',
    ]);
  });

  it('shows simulate’s template problems with the template’s own lines, and its warnings on stderr', () => {
    const root = tree({
      'profile-fields.yaml': 'fields:\n  nickname: { type: string }\n',
      'templates/email/hello.yaml': 'subject: Hi {{ profile.nickame }}\n',
      'templates/line/hi.yaml': 'messages:\n  - type: text\n    text: Hi {{ profile.nickame }}\n',
      'broken.yaml':
        'journey: j\nname: J\nentry: { api: true }\nsteps:\n  - send: { channel: email, template: hello }\n',
      'warned.yaml': 'journey: j\nname: J\nentry: { api: true }\nsteps:\n  - send: { channel: line, template: hi }\n',
      'profile.json': '{ "id": "c1", "lineUserId": "U1", "consent": { "line": "following" } }',
    });
    const simulate = (journey: string) =>
      kizuna(root, 'simulate', journey, '--profile', 'profile.json', '--start', '2026-11-02T10:00:00Z');
    const broken = simulate('broken.yaml');
    expect(broken.stderr).toContain(
      `${join('templates', 'email', 'hello.yaml')}:1:1 EMAIL_BODY_MISSING: an email template needs an html or an mjml body\n` +
        '   1 | subject: Hi {{ profile.nickame }}\n',
    );
    expect(broken.status).toBe(1);
    const warned = simulate('warned.yaml');
    expect(warned.stderr).toContain(`${join('templates', 'line', 'hi.yaml')}:3:17 warning UNDECLARED_VARIABLE`);
    expect(warned.stdout).toContain('sent hi by LINE');
    expect(warned.status).toBe(0);
  });
});

// The documentation's promises that can be checked: every `kizuna simulate` output shown in README.md
// or docs/ prints as shown when its command is run as written, every example journey has a timeline
// in docs/examples.md, every link between README.md and docs/ leads to a file (and heading), and the
// language reference lists the step kinds in the order the code does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulate, type SimulateOptions } from '../../cli/simulate.js';
import { STEP_KINDS } from '../../definitions/step-kinds.js';

const MARKDOWN = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];

interface Example {
  file: string;
  command: string;
  journey: string;
  options: SimulateOptions;
  expected: string;
}

/** Each ```sh block running `kizuna -- simulate`, with the ```text block that follows it. */
function examples(file: string): Example[] {
  const markdown = readFileSync(file, 'utf8');
  const found: Example[] = [];
  const pairs = /```sh\n([^`]*?kizuna -- simulate[^`]*?)```\s*```text\n([^`]*?)```/g;
  for (const [, command, expected] of markdown.matchAll(pairs)) {
    const words = command!.replace(/\\\n/g, ' ').trim().split(/\s+/);
    const [journey, ...flags] = words.slice(words.indexOf('simulate') + 1);
    const options: SimulateOptions = { until: '90d' };
    for (let i = 0; i < flags.length; i += 2) {
      const name = flags[i]!.replace(/^--/, '') as 'profile' | 'customers' | 'events' | 'start' | 'until';
      expect(['profile', 'customers', 'events', 'start', 'until'], `${flags[i]} in ${command}`).toContain(name);
      options[name] = flags[i + 1]!;
    }
    found.push({ file, command: command!.trim(), journey: journey!, options, expected: expected!.trimEnd() });
  }
  return found;
}

const shown = MARKDOWN.flatMap(examples);

describe('the simulate outputs shown in README.md and docs/', () => {
  it('include a dry run of every example journey in docs/examples.md, and a backtest', () => {
    const journeys = readdirSync('definitions/journeys').map((f) => join('definitions/journeys', f));
    const dryRuns = shown.filter((e) => e.file === 'docs/examples.md' && e.options.profile).map((e) => e.journey);
    expect(journeys.filter((j) => !dryRuns.includes(j))).toEqual([]);
    expect(shown.some((e) => e.options.customers)).toBe(true);
  });

  it.each(shown.map((e) => [e.file, e.options.profile ?? e.options.customers, e] as const))(
    '%s: %s prints what is shown',
    (_file, _input, { journey, options, expected }) => {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), errIsTty: false };
      expect(runSimulate(journey, options, io)).toBe(0);
      expect(err).toEqual([]);
      expect(out.join('\n')).toBe(expected);
    },
  );
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/^#+\s+(.+)$/gm)].map(([, heading]) => anchorOf(heading!));
}

describe('links between README.md and docs/', () => {
  it.each(MARKDOWN)('every relative link of %s leads to a file, and to a heading of it', (file) => {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map(([, target]) => target!)
      .filter((target) => !/^[a-z]+:/.test(target));
    const missing = links.filter((link) => {
      const [path, anchor] = link.split('#');
      const target = path === '' ? file : join(dirname(file), path!);
      if (!existsSync(target)) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchors(target).includes(anchor);
    });
    expect(missing).toEqual([]);
  });
});

describe('docs/language.md', () => {
  it('lists the step kinds in the order of STEP_KINDS, which error messages use', () => {
    const text = readFileSync('docs/language.md', 'utf8');
    const table = text.slice(text.indexOf('## Steps'), text.indexOf('## Conditions'));
    const kinds = [...table.matchAll(/^\| `([a-z_]+)`/gm)].map(([, kind]) => kind);
    expect(kinds).toEqual([...STEP_KINDS]);
  });
});

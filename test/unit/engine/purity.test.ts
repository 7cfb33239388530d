// The engine runs inside Temporal's workflow sandbox: its import closure must stay free of Node
// built-ins and packages, and its code free of clocks and randomness.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

function closure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    const source = readFileSync(file, 'utf8');
    files.set(file, source);
    for (const match of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const target = match[1]!;
      if (target.startsWith('.')) visit(normalize(join(dirname(file), target.replace(/\.js$/, '.ts'))));
      else files.set(`package:${target}`, '');
    }
  };
  visit(entry);
  return files;
}

describe('engine purity', () => {
  for (const entry of ['engine/index.ts', 'engine/simulator/dry-run.ts', 'engine/simulator/backtest.ts']) {
    it(`${entry} imports only relative, pure modules`, () => {
      const files = closure(entry);
      expect([...files.keys()].filter((f) => f.startsWith('package:'))).toEqual([]);
      expect([...files.keys()].filter((f) => !/^(engine|definitions)\//.test(f))).toEqual([]);
      for (const [file, source] of files) {
        expect(
          `${file}: ${/Date\.now\(|Math\.random\(|new Date\(\)|performance\.now\(/.exec(source)?.[0] ?? 'clean'}`,
        ).toBe(`${file}: clean`);
      }
    });
  }

  it('sees the whole engine from its entry point', () => {
    expect(closure('engine/index.ts').size).toBeGreaterThan(15);
  });
});

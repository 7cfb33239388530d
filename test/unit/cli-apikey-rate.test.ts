import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRate } from '../../cli/apikey.js';

const root = join(import.meta.dirname, '..', '..');

describe('kizuna apikey create --rate', () => {
  it.each(['NaN', 'abc', '0', '-5', '1.5', '', '1e3'])('refuses %j', (text) => {
    expect(() => parseRate(text)).toThrow(/--rate must be a whole number of requests a minute, 1 or more/);
  });

  it('accepts a whole number of requests a minute', () => {
    expect(parseRate('600')).toBe(600);
  });

  it('answers at once, before reaching the store, and creates nothing', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'cli', 'bin.js'), 'apikey', 'create', '--scopes', 'all', '--rate=-5'],
      {
        cwd: root,
        // Nothing listens here: a command that reached for the store would fail on the connection instead.
        env: { ...process.env, MONGODB_URI: 'mongodb://127.0.0.1:9/kizuna' },
        encoding: 'utf8',
        timeout: 15_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--rate must be a whole number of requests a minute, 1 or more; got "-5"');
    expect(run.stdout).toBe('');
  }, 20_000);
});

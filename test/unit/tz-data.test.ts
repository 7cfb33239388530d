// The worker's time-zone data: quiet hours and dates in workflow code use Node's built-in tz data, so
// the worker says which release it has and refuses (production) or warns (elsewhere) when it is not
// the release the deployment pinned with KIZUNA_TZDATA.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TzDataMismatchError, checkTzData, enforceTzData } from '../../runtime/tz-data.js';
import { localEnv } from '../../scripts/local-env.js';
import { projectRoot } from '../../scripts/servers.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  UNSUBSCRIBE_SECRET: 'a-production-secret-of-at-least-32-bytes!',
  PUBLIC_BASE_URL: 'https://kizuna.shop.example.jp',
  MAIL_FROM: '"珈琲焙煎所きずな" <news@shop.example.jp>',
  UNSUBSCRIBE_MAILTO: 'unsubscribe@shop.example.jp',
};

describe('the tz data check', () => {
  const versions = { tz: '2025c', icu: '78.2' };

  it('agrees when the pinned release is this Node’s', () => {
    const check = checkTzData('2025c', versions);
    expect(check).toMatchObject({ verdict: 'ok', actual: '2025c', pinned: '2025c' });
    expect(enforceTzData(check, true)).toEqual({
      level: 'info',
      line: 'tz data 2025c (ICU 78.2), as pinned by KIZUNA_TZDATA',
    });
  });

  it('refuses a different release in production and warns loudly elsewhere', () => {
    const check = checkTzData('2024a', versions);
    expect(check.verdict).toBe('mismatch');
    expect(() => enforceTzData(check, true)).toThrow(TzDataMismatchError);
    expect(() => enforceTzData(check, true)).toThrow(/tz data 2025c \(ICU 78\.2\), but KIZUNA_TZDATA pins 2024a/);
    expect(enforceTzData(check, false)).toMatchObject({ level: 'warn', line: expect.stringMatching(/^WARNING /) });
  });

  it('counts a Node that does not say its release as a mismatch, and warns when nothing is pinned in production', () => {
    expect(checkTzData('2025c', {}).verdict).toBe('mismatch');
    expect(checkTzData(' ', versions).verdict).toBe('unpinned');
    expect(enforceTzData(checkTzData(undefined, versions), true).level).toBe('warn');
    expect(enforceTzData(checkTzData(undefined, versions), false).level).toBe('info');
  });
});

describe('the worker process', () => {
  it('refuses to start in production when its tz data is not the pinned release, before any connection', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'worker.ts')], {
      env: localEnv({ ...PRODUCTION, KIZUNA_TZDATA: '1999z' }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `kizuna worker: failed to start: tz data ${process.versions.tz} (ICU ${process.versions.icu}), but ` +
        'KIZUNA_TZDATA pins 1999z: quiet hours and dates of replayed runs could change (see docs/runtime.md, "Time-zone data")',
    );
  }, 60_000);
});

/**
 * `kizuna report stores` and `kizuna report journey` against the API over real HTTP, on the seeded world
 * of stores-world.ts: tables and CSV.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/servers.js';
import { startStoresWorld, type StoresWorld } from './stores-world.js';

let s: StoresWorld;
beforeAll(async () => {
  s = await startStoresWorld(import.meta.filename);
}, 120_000);
afterAll(async () => {
  await s?.close();
});

describe('kizuna report stores', () => {
  const kizuna = (...args: string[]) =>
    promisify(execFile)(process.execPath, [join(projectRoot, 'cli', 'bin.js'), 'report', ...args], {
      env: { ...process.env, KIZUNA_API_URL: s.w.api, KIZUNA_API_KEY: s.w.h.token },
      cwd: projectRoot,
    });

  it('prints CSV, one line per store, and per store and journey with --journeys', async () => {
    const csv = (await kizuna('stores', '--from', s.period.from, '--to', s.period.to, '--days', '7', '--csv')).stdout;
    expect(csv.trim().split('\n')).toEqual([
      'store,routes,visits,denied,logins,friendsAdded,customersLinked,newCustomers,blockedSince,orders,revenue,conversions',
      `shibuya,flyer-shibuya,1,0,2,2,2,2,0,2,7800,${s.journeyId}=1`,
      'umeda,pop-umeda,3,1,2,1,1,1,0,1,1500,',
      ',web-banner,2,0,1,1,1,1,0,0,0,',
    ]);
    const journeys = (await kizuna('stores', '--from', s.period.from, '--to', s.period.to, '--csv', '--journeys'))
      .stdout;
    expect(journeys.trim().split('\n')).toEqual([
      'store,journeyId,version,runs,holdout,converted,holdoutConverted,treatedRate,holdoutRate,uplift',
      `shibuya,${s.journeyId},1,2,1,1,0,1,0,1`,
      `umeda,${s.journeyId},1,1,0,1,0,1,,`,
    ]);
  });

  it('prints the tables', async () => {
    const text = (await kizuna('stores', '--from', s.period.from, '--to', s.period.to, '--days', '7')).stdout;
    expect(text).toMatch(/^shibuya +1 +0 +2 +2 +2 +2 +0 +2 +7800 +\S+=1$/m);
    expect(text).toMatch(/^\(none\) +2 +0 +1 +1 +1 +1 +0 +0 +0 +-$/m);
    expect(text).toMatch(new RegExp(`^shibuya +${s.journeyId} v1 +2 +1 +1 +100\\.0% +0\\.0% +100\\.0 pt$`, 'm'));
  });

  it('prints a journey per home store as CSV with report journey --by', async () => {
    const csv = (await kizuna('journey', s.journeyId, '--by', 'homeStore', '--csv')).stdout;
    expect(csv.trim().split('\n')).toEqual([
      'homeStore,runs,holdout,converted,holdoutConverted,treatedRate,holdoutRate,uplift',
      '(all),3,1,2,0,1,0,1',
      'shibuya,2,1,1,0,1,0,1',
      'umeda,1,0,1,0,1,,',
    ]);
  });
});

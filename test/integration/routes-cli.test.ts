/**
 * The example routes through `kizuna publish`, their QR codes (`kizuna routes qr`, `/v1/routes/:id/qr.svg`)
 * and `kizuna report routes --csv`, against a running API with LINE Login on the stand-in.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/servers.js';
import { arrive, lineUser, startRouteWorld, type RouteWorld } from './routes-world.js';

const run = promisify(execFile);
let w: RouteWorld;
let dir: string;

async function kizuna(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, KIZUNA_API_URL: w.api, KIZUNA_API_KEY: w.h.token };
  try {
    const { stdout, stderr } = await run(process.execPath, [join(projectRoot, 'cli', 'bin.js'), ...args], {
      env,
      cwd: projectRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  w = await startRouteWorld(import.meta.filename);
  dir = mkdtempSync(join(tmpdir(), 'kizuna-routes-'));
});
afterAll(async () => {
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kizuna publish with routes', () => {
  it('refuses a route naming a journey not published yet, at its line and column', async () => {
    const res = await kizuna('publish', 'definitions/routes/spring-flyer-shibuya.yaml');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('definitions/routes/spring-flyer-shibuya.yaml:8:12 UNKNOWN_JOURNEY');
  });

  it('publishes the journeys, then the routes with their links; again: unchanged', async () => {
    const first = await kizuna('publish', 'definitions/journeys/line-survey.yaml', 'definitions/routes');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('line-friend-survey v1 published');
    expect(first.stdout).toContain(
      `definitions/routes/spring-flyer-shibuya.yaml: route spring-flyer-shibuya created (${w.api}/r/spring-flyer-shibuya)`,
    );
    expect(first.stdout).toContain('route register-pop-umeda created');
    expect(first.stdout).toContain('route web-banner-top created');
    const again = await kizuna('publish', 'definitions/routes/web-banner-top.yaml');
    expect(again.stdout).toContain('route web-banner-top unchanged');
    const list = await request(w.h.app).get('/v1/routes').set('authorization', `Bearer ${w.h.token}`);
    expect((list.body as { routes: { routeId: string }[] }).routes.map((r) => r.routeId)).toEqual([
      'register-pop-umeda',
      'spring-flyer-shibuya',
      'web-banner-top',
    ]);
  });
});

describe('QR codes and the report', () => {
  it('draws the QR code as SVG over HTTP and from the command, and as PNG to a file', async () => {
    const svg = await request(w.h.app)
      .get('/v1/routes/web-banner-top/qr.svg')
      .set('authorization', `Bearer ${w.h.token}`)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg/);
    const cli = await kizuna('routes', 'qr', 'web-banner-top', '--svg');
    expect(cli.stdout).toMatch(/^<svg/);
    const out = join(dir, 'qr.png');
    expect((await kizuna('routes', 'qr', 'web-banner-top', '--png', '--out', out)).code).toBe(0);
    expect(readFileSync(out).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const missing = await request(w.h.app).get('/v1/routes/nope/qr.svg').set('authorization', `Bearer ${w.h.token}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('prints the routes report as CSV', async () => {
    await arrive(w, 'web-banner-top', lineUser());
    const res = await kizuna('report', 'routes', '--csv', '--days', '7');
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'routeId,name,store,channel,visits,denied,logins,friendsAdded,customersLinked,newCustomers,blockedSince,orders,revenue,conversions',
    );
    expect(lines).toContain('web-banner-top,Web ショップのトップバナー,,web,1,0,1,1,1,1,0,0,0,');
  });
});

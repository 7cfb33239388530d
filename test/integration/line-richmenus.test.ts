// Rich menus against the LINE stand-in over real HTTP: `kizuna publish` creates the example menus with
// their images and aliases, a user's menu is linked and unlinked through @line/bot-sdk, and the
// stand-in refuses what LINE refuses.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineRichMenus, type LineRichMenus } from '../../channels/line-richmenus.js';
import { loadRichMenu } from '../../definitions/richmenus.js';
import { projectRoot } from '../../scripts/servers.js';
import { LINE_TOKEN, startStandin } from './delivery-helpers.js';

const USER = `U${'b'.repeat(32)}`;
let standin: Awaited<ReturnType<typeof startStandin>>;
let line: LineRichMenus;
const call = (method: string, path: string, body?: { type: string; data: string | Buffer }) =>
  fetch(`${standin.baseURL}${path}`, {
    method,
    headers: { authorization: `Bearer ${LINE_TOKEN}`, ...(body ? { 'content-type': body.type } : {}) },
    ...(body ? { body: body.data } : {}),
  });

beforeAll(async () => {
  standin = await startStandin();
  line = createLineRichMenus({ channelAccessToken: LINE_TOKEN, baseURL: standin.baseURL });
});
afterAll(async () => {
  await standin?.close();
});

describe('rich menus at the stand-in', () => {
  it('kizuna publish creates each menu with its image and alias', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(projectRoot, 'cli', 'bin.js'), 'publish', 'definitions/richmenus'],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          KIZUNA_API_KEY: 'unused',
          LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
          LINE_API_BASE_URL: standin.baseURL,
        },
      },
    );
    expect(stdout).toMatch(/members\.yaml: rich menu members published \(richmenu-[0-9a-f]{32}\)/);
    expect(stdout).toMatch(/newcomers\.yaml: rich menu newcomers published/);
    const { menus, aliases } = standin.richMenus;
    const members = menus.get(aliases.get('members')!)!;
    expect(members.request).toMatchObject({ name: 'members', chatBarText: '会員メニュー', size: { width: 2500 } });
    expect(members.image).toEqual({ contentType: 'image/png', bytes: 10_069 });
  });

  it('links a user to a menu by its name, shows it on the page, and unlinks it', async () => {
    const id = await line.link(USER, 'newcomers');
    expect(await (await call('GET', `/v2/bot/user/${USER}/richmenu`)).json()).toEqual({ richMenuId: id });
    const page = await (await fetch(`${standin.baseURL}/`)).text();
    expect(page).toContain(`<td>${USER}</td><td>newcomers</td><td>newcomers</td>`);
    await line.link(USER, 'members');
    expect(standin.richMenus.links.get(USER)).toBe(standin.richMenus.aliases.get('members'));
    await line.unlink(USER);
    expect((await call('GET', `/v2/bot/user/${USER}/richmenu`)).status).toBe(404);
  });

  it('publishing again points the alias at the new menu', async () => {
    const menu = loadRichMenu(join(projectRoot, 'definitions', 'richmenus', 'members.yaml'));
    if (!menu.ok) throw new Error('the example menu does not load');
    const before = standin.richMenus.aliases.get('members');
    const again = await line.publish(menu.menu);
    expect(again).toMatchObject({ alias: 'members', aliasCreated: false });
    expect(again.richMenuId).not.toBe(before);
    expect(standin.richMenus.aliases.get('members')).toBe(again.richMenuId);
  });

  it('refuses linking an unpublished menu, a menu without image, and bad images, as LINE does', async () => {
    await expect(line.link(USER, 'nothing-here')).rejects.toThrow(/no rich menu "nothing-here"/);
    const request = { size: { width: 2500, height: 843 }, selected: false, name: 'n', chatBarText: 'c', areas: [] };
    const created = await call('POST', '/v2/bot/richmenu', { type: 'application/json', data: JSON.stringify(request) });
    const { richMenuId } = (await created.json()) as { richMenuId: string };
    expect((await call('POST', `/v2/bot/user/${USER}/richmenu/${richMenuId}`)).status).toBe(400);
    const gif = await call('POST', `/v2/bot/richmenu/${richMenuId}/content`, { type: 'image/gif', data: 'GIF89a' });
    expect(gif.status).toBe(415);
    const big = Buffer.alloc(1024 * 1024 + 1);
    const tooBig = await call('POST', `/v2/bot/richmenu/${richMenuId}/content`, { type: 'image/png', data: big });
    expect(tooBig.status).toBe(413);
    const bad = await call('POST', '/v2/bot/richmenu', {
      type: 'application/json',
      data: JSON.stringify({ ...request, chatBarText: 'x'.repeat(15), size: { width: 2500, height: 2000 } }),
    });
    expect(bad.status).toBe(400);
    const { details } = (await bad.json()) as { details: { property: string }[] };
    expect(details.map((d) => d.property).sort()).toEqual(['chatBarText', 'size.height']);
    expect((await fetch(`${standin.baseURL}/v2/bot/richmenu/list`)).status).toBe(401);
  });
});

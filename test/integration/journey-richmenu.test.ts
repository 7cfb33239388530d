// The line_richmenu step on Temporal against the LINE stand-in: a run links a published menu to the
// customer's LINE user and later unlinks it, as the stand-in reports over HTTP; a customer without a
// LINE user id and a menu that is not published are journaled with their reasons and the run goes on.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterJourney } from '../../runtime/enter-journey.js';
import { readJournal } from '../../store/journal.js';
import { startJourneyWorld, type JourneyWorld } from '../support/journey-world.js';
import { createTimeSkippingEnv } from '../support/temporal.js';
import { publishTestJourney } from '../support/test-journeys.js';

const DAY = 86_400_000;

const journey = (id: string, menu: string) => `
journey: ${id}
name: ${id}
entry: { api: true, reentry: always }
steps:
  - id: show-menu
    line_richmenu: { link: ${menu} }
  - id: later
    wait: 2d
  - id: hide-menu
    line_richmenu: { unlink: true }
`;

describe('the line_richmenu step on Temporal', () => {
  let env: TestWorkflowEnvironment;
  let world: JourneyWorld;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    world = await startJourneyWorld({
      testFile: import.meta.filename,
      connection: env.nativeConnection,
      client: env.client,
      namespace: env.namespace ?? 'default',
      taskQueue: 'journey-richmenu',
    });
  });

  afterAll(async () => {
    await world?.close();
    await env?.teardown();
  });

  /** The user's rich menu as the stand-in answers LINE's `GET /v2/bot/user/{userId}/richmenu`; null on 404. */
  async function userMenu(userId: string): Promise<string | null> {
    const res = await fetch(`${world.lineApi.url}/v2/bot/user/${userId}/richmenu`, {
      headers: { authorization: `Bearer ${world.lineApi.token}` },
    });
    if (res.status === 404) return null;
    expect(res.status).toBe(200);
    return ((await res.json()) as { richMenuId: string }).richMenuId;
  }

  const menuId = (alias: string) => world.line.richMenus.aliases.get(alias);
  const steps = async (journeyId: string, customerId: string) =>
    (await readJournal(world.store.models, { journeyId, customerId })).map((r) => [r.stepId, r.action, r.reason]);

  it('links the menu to the LINE user, then unlinks it two days later', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('menu-run', 'members'));
    const customerId = 'c-menu';
    const user = 'U0123456789abcdef0123456789abcdef';
    await world.store.models.Customer.create({ customerId, lineUserId: user, consent: { line: 'following' } });
    await (
      await world.worker()
    ).runUntil(async () => {
      const entered = await enterJourney(world.runtime(), { journeyId: plan.journeyId, customerId, event: null });
      await env.sleep(DAY);
      expect(await userMenu(user)).toBe(menuId('members'));
      // Awaiting the result through the test environment's client lets time skip past the 2-day wait.
      expect(await env.client.workflow.getHandle(entered.workflowId).result()).toMatchObject({ outcome: 'completed' });
      // The Temporal UI names each LINE call by its step and menu.
      const history = await env.client.workflow.getHandle(entered.workflowId).fetchHistory();
      const summaries = (history.events ?? [])
        .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'lineRichMenu')
        .map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? []).toString()) as string);
      expect(summaries).toEqual(['show-menu: link LINE rich menu members', 'hide-menu: unlink the LINE rich menu']);
    });
    expect(await userMenu(user)).toBeNull();
    expect(await steps(plan.journeyId, customerId)).toEqual([
      [null, 'entered', null],
      ['show-menu', 'richmenu-linked', null],
      ['later', 'waiting', null],
      ['hide-menu', 'richmenu-unlinked', null],
      [null, 'completed', 'completed'],
    ]);
  });

  it('skips a customer without a LINE user id and journals a menu not published, going on each time', async () => {
    const { plan } = await publishTestJourney(world.store.models, journey('menu-missing', 'newcomers'));
    const unpublished = 'U00000000000000000000000000000fed';
    await world.store.models.Customer.create({ customerId: 'c-no-line', email: 'c-no-line@example.jp' });
    await world.store.models.Customer.create({ customerId: 'c-unpublished', lineUserId: unpublished });
    // Rename the alias the step names: the menu is then not published as far as LINE knows.
    const aliases = world.line.richMenus.aliases;
    const newcomers = aliases.get('newcomers')!;
    aliases.delete('newcomers');
    try {
      await (
        await world.worker()
      ).runUntil(async () => {
        for (const customerId of ['c-no-line', 'c-unpublished']) {
          const entered = await enterJourney(world.runtime(), { journeyId: plan.journeyId, customerId, event: null });
          expect(await env.client.workflow.getHandle(entered.workflowId).result()).toMatchObject({
            outcome: 'completed',
          });
        }
      });
    } finally {
      aliases.set('newcomers', newcomers);
    }
    expect((await steps(plan.journeyId, 'c-no-line')).filter(([, action]) => action !== 'waiting')).toEqual([
      [null, 'entered', null],
      ['show-menu', 'skipped', 'no-line-user'],
      ['hide-menu', 'skipped', 'no-line-user'],
      [null, 'completed', 'completed'],
    ]);
    expect((await steps(plan.journeyId, 'c-unpublished')).slice(0, 2)).toEqual([
      [null, 'entered', null],
      ['show-menu', 'failed', 'unknown-rich-menu'],
    ]);
    expect(await userMenu(unpublished)).toBeNull();
  });

  it('journals a link LINE refuses (a menu without its image: 400) as failed with the status, and goes on', async () => {
    // A menu made at LINE by hand, outside the definitions: the compiler is not told the menus.
    const { plan } = await publishTestJourney(world.store.models, journey('menu-refused', 'imageless'), {
      richMenus: undefined,
    });
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${world.lineApi.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${world.lineApi.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((res) => res.json() as Promise<{ richMenuId?: string }>);
    const { richMenuId } = await call('POST', '/v2/bot/richmenu', {
      size: { width: 2500, height: 843 },
      selected: false,
      name: 'imageless',
      chatBarText: 'menu',
      areas: [],
    });
    await call('POST', '/v2/bot/richmenu/alias', { richMenuAliasId: 'imageless', richMenuId });
    const user = 'U0000000000000000000000000000a400';
    await world.store.models.Customer.create({ customerId: 'c-refused', lineUserId: user });
    await (
      await world.worker()
    ).runUntil(async () => {
      const entered = await enterJourney(world.runtime(), {
        journeyId: plan.journeyId,
        customerId: 'c-refused',
        event: null,
      });
      expect(await env.client.workflow.getHandle(entered.workflowId).result()).toMatchObject({ outcome: 'completed' });
    });
    expect((await steps(plan.journeyId, 'c-refused')).slice(1, 2)).toEqual([['show-menu', 'failed', 'line-400']]);
    expect(await userMenu(user)).toBeNull();
  });
});

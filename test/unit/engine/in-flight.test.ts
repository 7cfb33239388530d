// A delivery (or profile update) that is out when the run leaves its step is still answered into
// the journal: a repeat's stop event and an exit wait for the answer.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../definitions/plan.js';
import type { JourneyCommand, SendCommand } from '../../../engine/commands.js';
import { INBOX_LIMIT, createJourneyState, stepJourney, type JourneyState } from '../../../engine/index.js';
import type { JourneyInput } from '../../../engine/inputs.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, startInput, wait } from './plans.js';

interface Out {
  state: JourneyState;
  commands: JourneyCommand[];
}

function feed(plan: Plan, state: JourneyState, inputs: JourneyInput[]): Out {
  const commands: JourneyCommand[] = [];
  for (const input of inputs) {
    const out = stepJourney(plan, state, input);
    state = out.state;
    commands.push(...out.commands);
  }
  return { state, commands };
}

function begin(plan: Plan): Out {
  const { state } = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), startInput());
  return feed(plan, state, [{ type: 'entry_claimed', nowMs: T0, correlationId: 'c1', granted: true }]);
}

function lastSend(commands: JourneyCommand[]): SendCommand {
  const found = commands.findLast((c): c is SendCommand => c.type === 'send');
  if (found === undefined) throw new Error('no send');
  return found;
}

const sent = (command: SendCommand, nowMs: number): JourneyInput => ({
  type: 'send_result',
  nowMs,
  correlationId: command.correlationId,
  status: 'sent',
  channel: 'email',
  reason: null,
  retryAtMs: null,
});

const rows = (commands: JourneyCommand[]): string[] =>
  commands.flatMap((c) =>
    c.type === 'journal' ? [`${c.record.action}${c.record.stepId === null ? '' : ` @${c.record.stepId}`}`] : [],
  );

const reminders = makePlan(
  [
    { kind: 'repeat', id: 'r', times: 3, everyMs: DAY, until: { event: 'clicked', where: null }, body: 's', next: 'w' },
    send('s', 'reminder', 'r'),
    wait('w', 5 * DAY, null),
  ],
  { goals: [{ event: 'order.completed', where: null, windowMs: null }] },
);

describe('a delivery out when the run leaves its step', () => {
  it("journals a repeat's send that was out when the stop event came, and credits later goals to it", () => {
    let out = begin(reminders);
    out = feed(reminders, out.state, [sent(lastSend(out.commands), T0)]);
    const timer = out.commands.at(-1) as { correlationId: string };
    out = feed(reminders, out.state, [{ type: 'timer', nowMs: T0 + DAY, correlationId: timer.correlationId }]);
    const second = lastSend(out.commands);
    const stopped = feed(reminders, out.state, [
      { type: 'event', nowMs: T0 + DAY + 1, event: event('k', 'clicked', T0 + DAY + 1) },
    ]);
    expect(rows(stopped.commands)).toEqual(['repeat-stopped @r']);
    const answered = feed(reminders, stopped.state, [sent(second, T0 + DAY + 2)]);
    expect(rows(answered.commands)).toEqual(['sent @s', 'waiting @w']);
    const order = feed(reminders, answered.state, [
      { type: 'event', nowMs: T0 + 2 * DAY, event: event('o', 'order.completed', T0 + 2 * DAY) },
    ]);
    expect(order.state.conversion).toMatchObject({ stepId: 's', atMs: T0 + 2 * DAY });
    expect(order.state.touches.map((t) => t.atMs)).toEqual([T0, T0 + DAY + 2]);
  });

  it('ends on an exit only once the send that was out is answered and journaled', () => {
    const plan = makePlan([send('s', 't', 'w'), wait('w', DAY, null)], {
      exits: [exitOn('customer.unsubscribed')],
      goals: [{ event: 'order.completed', where: null, windowMs: null }],
    });
    const out = begin(plan);
    const exit = feed(plan, out.state, [
      { type: 'event', nowMs: T0 + 1, event: event('u', 'customer.unsubscribed', T0 + 1) },
      { type: 'event', nowMs: T0 + 2, event: event('o', 'order.completed', T0 + 2) },
    ]);
    expect(exit.commands).toEqual([]);
    const done = feed(plan, exit.state, [sent(lastSend(out.commands), T0 + 3)]);
    expect(rows(done.commands)).toEqual(['sent @s', 'exited']);
    expect(done.commands.at(-1)).toEqual({
      type: 'complete',
      outcome: 'exited:customer.unsubscribed',
      conversion: null,
    });
  });

  it('journals the answer already queued behind an event check when an unfiltered exit arrives', () => {
    const plan = makePlan([send('s', 't', 'w'), wait('w', DAY, null)], {
      exits: [
        exitOn('customer.unsubscribed'),
        { event: 'order.completed', where: { 'event.total': { $gte: 1 } }, goal: false, goalWindowMs: null },
      ],
    });
    const out = begin(plan);
    const queued = feed(plan, out.state, [
      { type: 'event', nowMs: T0 + 1, event: event('o', 'order.completed', T0 + 1, { total: 0 }) },
      sent(lastSend(out.commands), T0 + 2),
    ]);
    expect(queued.state.inbox).toHaveLength(1);
    const exit = feed(plan, queued.state, [
      { type: 'event', nowMs: T0 + 3, event: event('u', 'customer.unsubscribed', T0 + 3) },
    ]);
    expect(rows(exit.commands)).toEqual(['sent @s', 'exited']);
    expect(exit.commands.at(-1)).toMatchObject({ type: 'complete', outcome: 'exited:customer.unsubscribed' });
  });

  it('archives only once the send that was out is answered', () => {
    const plan = makePlan([send('s', 't', null)]);
    const out = begin(plan);
    const archived = feed(plan, out.state, [{ type: 'archive', nowMs: T0 + 1 }]);
    expect(archived.commands).toEqual([]);
    const done = feed(plan, archived.state, [sent(lastSend(out.commands), T0 + 2)]);
    expect(rows(done.commands)).toEqual(['sent @s', 'exited']);
    expect(done.commands.at(-1)).toMatchObject({ type: 'complete', outcome: 'archived' });
  });

  it('ends without the answer once more events than the inbox limit arrived while waiting', () => {
    const plan = makePlan([send('s', 't', null)], { exits: [exitOn('customer.unsubscribed')] });
    const out = begin(plan);
    let { state } = feed(plan, out.state, [
      { type: 'event', nowMs: T0, event: event('u', 'customer.unsubscribed', T0) },
    ]);
    for (let i = 0; i < INBOX_LIMIT; i += 1) {
      ({ state } = feed(plan, state, [{ type: 'event', nowMs: T0 + HOUR, event: event(`v${i}`, 'page.viewed', T0) }]));
    }
    expect(state.status).toBe('active');
    const last = feed(plan, state, [{ type: 'event', nowMs: T0 + HOUR, event: event('v', 'page.viewed', T0) }]);
    expect(last.commands.at(-2)).toMatchObject({ record: { action: 'exited', detail: { unanswered: 'send' } } });
    expect(last.commands.at(-1)).toMatchObject({ type: 'complete', outcome: 'exited:customer.unsubscribed' });
  });

  it('journals a profile update that was out when the stop event came', () => {
    const plan = makePlan([
      {
        kind: 'repeat',
        id: 'r',
        times: 2,
        everyMs: DAY,
        until: { event: 'clicked', where: null },
        body: 'u',
        next: null,
      },
      { kind: 'update_profile', id: 'u', set: {}, addTags: ['seen'], removeTags: [], next: 'r' },
    ]);
    const out = begin(plan);
    const update = out.commands.find((c) => c.type === 'update_profile');
    const stopped = feed(plan, out.state, [
      { type: 'event', nowMs: T0 + 1, event: event('k', 'clicked', T0 + 1) },
      {
        type: 'profile_updated',
        nowMs: T0 + 2,
        correlationId: update?.type === 'update_profile' ? update.correlationId : '',
      },
    ]);
    expect(rows(stopped.commands)).toEqual(['repeat-stopped @r', 'profile-updated @u', 'completed']);
  });
});

import { describe, expect, it } from 'vitest';
import { chooseVariant } from '../../../engine/index.js';
import type { SplitStep } from '../../../definitions/plan.js';
import { DAY, HOUR, T0, event, exitOn, makePlan, send, wait } from './plans.js';
import { actions, run } from './simulate-helpers.js';

describe('if and branch', () => {
  const plan = makePlan([
    { kind: 'if', id: 'vip', condition: { totalSpent: { $gte: 30000 } }, then: 'gold', else: 'tier' },
    send('gold', 'vip-coupon', null),
    {
      kind: 'branch',
      id: 'tier',
      cases: [
        { condition: { 'event.category': 'shoes' }, next: 'shoes' },
        { condition: { tags: 'newsletter' }, next: 'news' },
      ],
      default: 'plain',
    },
    send('shoes', 'shoes', null),
    send('news', 'news', null),
    send('plain', 'plain', null),
  ]);
  const entry = (category: string): ReturnType<typeof event> => event('e0', 'order.completed', T0, { category });

  it('follows then/else from the profile', () => {
    expect(run(plan, { profile: { email: 'a@x', totalSpent: 50000 } }).sends[0]?.template).toBe('vip-coupon');
    expect(run(plan, { profile: { email: 'a@x', totalSpent: 10 } }).sends[0]?.template).toBe('plain');
  });

  it('takes the first matching case, reading event.* from the entry event, else the default', () => {
    const profile = { email: 'a@x', tags: ['newsletter'] };
    expect(run(plan, { profile, entryEvent: entry('shoes') }).sends[0]?.template).toBe('shoes');
    expect(run(plan, { profile, entryEvent: entry('bags') }).sends[0]?.template).toBe('news');
    const result = run(plan, { entryEvent: entry('bags') });
    expect(actions(result.journal)).toContain('branched:default @tier');
  });
});

describe('split', () => {
  const step: SplitStep = {
    kind: 'split',
    id: 'ab',
    loc: { line: 1, col: 1 },
    variants: [
      { name: 'a', weight: 3, next: null },
      { name: 'b', weight: 1, next: null },
    ],
  };

  it('gives the same customer the same arm every time', () => {
    for (let i = 0; i < 50; i += 1) expect(chooseVariant(step, `c${i}`)).toBe(chooseVariant(step, `c${i}`));
  });

  it('assigns arms by weight', () => {
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 4000; i += 1) counts[chooseVariant(step, `customer-${i}`)!.name as 'a' | 'b'] += 1;
    expect(counts.a / 4000).toBeGreaterThan(0.7);
    expect(counts.a / 4000).toBeLessThan(0.8);
  });

  it('depends on the step id, so two splits are independent', () => {
    const other = { ...step, id: 'other' };
    const differs = Array.from({ length: 200 }, (_, i) => `c${i}`).some(
      (c) => chooseVariant(step, c)?.name !== chooseVariant(other, c)?.name,
    );
    expect(differs).toBe(true);
  });
});

describe('repeat', () => {
  const plan = makePlan(
    [
      wait('first-wait', HOUR, 'remind'),
      {
        kind: 'repeat',
        id: 'remind',
        times: 3,
        everyMs: 3 * DAY,
        until: { event: 'order.completed', where: null },
        body: 'nudge',
        next: 'done',
      },
      send('nudge', 'cart-reminder', 'remind'),
      {
        kind: 'update_profile',
        id: 'done',
        set: { cartNudged: true },
        addTags: ['cart-nudged'],
        removeTags: [],
        next: null,
      },
    ],
    { exits: [exitOn('line.unfollowed')] },
  );

  it('runs the body the given number of times, the given time apart, then goes on', () => {
    const result = run(plan);
    expect(result.sends.map((s) => s.atMs)).toEqual([T0 + HOUR, T0 + HOUR + 3 * DAY, T0 + HOUR + 6 * DAY]);
    expect(actions(result.journal)).toContain('proceeded:repeat-done @remind');
    expect(result.profile).toMatchObject({ cartNudged: true, tags: ['cart-nudged'] });
    expect(result.outcome).toBe('completed');
  });

  it('stops repeating when the stop event arrives and goes on after the repeat', () => {
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + 2 * DAY)] });
    expect(result.sends).toHaveLength(1);
    expect(actions(result.journal)).toContain('repeat-stopped:order.completed @remind');
    expect(result.profile).toMatchObject({ cartNudged: true });
  });

  it('ignores a stop event from before the repeat began', () => {
    const result = run(plan, { events: [event('o1', 'order.completed', T0 + 1)] });
    expect(result.sends).toHaveLength(3);
  });
});

describe('wait', () => {
  it('waits for its duration', () => {
    const result = run(makePlan([wait('w', 2 * DAY, 's'), send('s', 't', null)]));
    expect(result.sends[0]?.atMs).toBe(T0 + 2 * DAY);
  });

  it('reports a run still waiting when the clock stops', () => {
    const result = run(makePlan([wait('w', 20 * DAY, 's'), send('s', 't', null)]), { untilMs: T0 + DAY });
    expect(result.outcome).toBeNull();
    expect(result.waiting).toEqual({ reason: 'wait', untilMs: T0 + 20 * DAY });
  });
});

describe('exit step', () => {
  it('ends with its outcome label', () => {
    const result = run(makePlan([{ kind: 'exit', id: 'x', outcome: 'not-eligible' }]));
    expect(result.outcome).toBe('not-eligible');
  });
});

describe('conditions over the event a wait_for received', () => {
  it('reads event.* from the received event when eventFrom names the wait_for step', () => {
    const plan = makePlan([
      {
        kind: 'wait_for',
        id: 'wf',
        event: 'line.postback',
        where: null,
        timeoutMs: DAY,
        onEvent: 'answer',
        onTimeout: null,
      },
      {
        kind: 'if',
        id: 'answer',
        eventFrom: 'wf',
        condition: { 'event.data': 'survey=light' },
        then: 'light',
        else: 'other',
      },
      send('light', 'light', null),
      send('other', 'other', null),
    ]);
    const entry = event('e0', 'line.followed', T0, { data: 'survey=light' });
    const answered = (data: string) =>
      run(plan, { entryEvent: entry, events: [event('p1', 'line.postback', T0 + HOUR, { data })] }).sends[0]?.template;
    expect(answered('survey=light')).toBe('light');
    expect(answered('survey=dark')).toBe('other');
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCompileOptions } from '../../../definitions/catalog.js';
import { compileJourney } from '../../../definitions/compile.js';
import type { Plan } from '../../../definitions/plan.js';
import { journeySchema } from '../../../definitions/schema.js';

const DIR = 'definitions/journeys';
const options = loadCompileOptions('definitions');

function compileExample(name: string): Plan {
  const file = `${DIR}/${name}`;
  const result = compileJourney(readFileSync(file, 'utf8'), file, options);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.col} ${e.code} ${e.message}`).join('\n'));
  return result.plan;
}

// Simulation timelines, analytics and idempotency keys refer to these ids: they must not change.
const STEP_IDS: Record<string, string[]> = {
  'winback.yaml': [
    'first-touch',
    'wait-3d',
    'vip-check',
    'vip-coupon',
    'coupon',
    'wait-order',
    'last-chance',
    'tag-dormant',
  ],
  'upsell.yaml': [
    'owns-grinder',
    'exit-already-owned',
    'weekend-lunch',
    'offer',
    'grinder-discount',
    'grinder-guide',
    'wait-7d',
    'line-follow-up',
    'grinder-line',
  ],
  'event-reminder.yaml': [
    'confirmation',
    'until-3-days-before',
    'reminder-3d',
    'until-1-hour-before',
    'reminder-1h',
    'until-next-day',
    'thanks',
  ],
  'cart-abandonment.yaml': ['wait-1h', 'reminders', 'cart-reminder', 'big-cart', 'cart-coupon', 'gave-up'],
  'renewal-reminder.yaml': [
    'until-3-days-before',
    'still-active',
    'renewal-notice',
    'exit-not-active',
    'plan-offer',
    'annual-offer',
    'frequency-offer',
    'tag-renewal-notified',
  ],
  'line-survey.yaml': [
    'welcome',
    'menu-newcomers',
    'wait-10m',
    'survey',
    'wait-answer',
    'answer',
    'tag-light',
    'tag-dark',
    'tag-other',
    'menu-members',
    'thanks',
    'reminder',
  ],
};

describe('example campaigns', () => {
  it('are exactly the six documented ones', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(STEP_IDS).sort());
  });

  it.each(Object.keys(STEP_IDS))('%s compiles without errors or warnings, with its step ids', (name) => {
    const file = `${DIR}/${name}`;
    const result = compileJourney(readFileSync(file, 'utf8'), file, options);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(Object.keys(compileExample(name).steps)).toEqual(STEP_IDS[name]);
  });

  it.each(Object.keys(STEP_IDS))('%s is accepted by the full schema the JSON Schema is generated from', (name) => {
    expect(journeySchema.safeParse(parse(readFileSync(`${DIR}/${name}`, 'utf8'))).success).toBe(true);
  });

  it('winback: segment entry, policy, and explicit successors', () => {
    const plan = compileExample('winback.yaml');
    expect(plan.entry).toEqual({
      type: 'segment',
      query: { lastOrderAt: { $olderThan: 90 * 86_400_000 }, 'consent.email': 'subscribed' },
      cron: '0 10 * * *',
      timezone: 'Asia/Tokyo',
    });
    expect(plan.reentry).toEqual({ policy: 'after', afterMs: 180 * 86_400_000 });
    expect(plan.holdoutPercent).toBe(10);
    expect(plan.policy).toEqual({
      timezone: { source: 'profile', path: 'timezone', fallback: 'Asia/Tokyo' },
      quietHours: { startMinute: 21 * 60, endMinute: 9 * 60 },
      frequencyCap: { max: 2, perMs: 7 * 86_400_000, over: 'defer' },
    });
    expect(plan.exits[0]).toEqual({ event: 'order.completed', where: null, goal: true, goalWindowMs: 14 * 86_400_000 });
    expect(plan.start).toBe('first-touch');
    expect(plan.steps['vip-check']).toMatchObject({ kind: 'if', then: 'vip-coupon', else: 'coupon' });
    expect(plan.steps['vip-coupon']).toMatchObject({ kind: 'send', channel: 'email', next: 'wait-order' });
    expect(plan.steps['wait-order']).toMatchObject({
      onEvent: null,
      onTimeout: 'last-chance',
      timeoutMs: 7 * 86_400_000,
    });
    expect(plan.steps['last-chance']).toMatchObject({ next: 'tag-dormant' });
    expect(plan.steps['tag-dormant']).toMatchObject({ next: null, addTags: ['winback-no-response'] });
    expect(plan.listens).toEqual({
      'customer.unsubscribed': ['exit'],
      'order.completed': ['exit', 'goal', 'wait_for'],
    });
    expect(plan.templates['winback-1']?.line?.file).toBe('definitions/templates/line/winback-1.yaml');
    expect(plan.templates['winback-coupon']?.line).toBeNull();
  });

  it('cart abandonment: the repeat body leads back to the repeat step', () => {
    const plan = compileExample('cart-abandonment.yaml');
    expect(plan.steps['reminders']).toMatchObject({
      kind: 'repeat',
      times: 3,
      everyMs: 86_400_000,
      until: { event: 'cart.emptied', where: null },
      body: 'cart-reminder',
      next: 'big-cart',
    });
    expect(plan.steps['cart-reminder']).toMatchObject({ next: 'reminders' });
    expect(plan.steps['gave-up']).toEqual({
      id: 'gave-up',
      loc: { line: 31, col: 5 },
      kind: 'exit',
      outcome: 'not-converted',
    });
    expect(plan.eventFields).toEqual({ 'cart.abandoned': ['total'] });
  });

  it('renewal reminder: 3 days before the profile date at 10:00 local time', () => {
    const step = compileExample('renewal-reminder.yaml').steps['until-3-days-before'];
    expect(step).toMatchObject({
      kind: 'wait_until',
      target: { type: 'attribute', source: 'profile', path: 'renewalDate', offsetMs: -3 * 86_400_000 },
      timeOfDay: '10:00',
      weekdays: null,
    });
  });

  it('event reminder and upsell read entry-event dates', () => {
    const reminder = compileExample('event-reminder.yaml');
    expect(reminder.steps['until-1-hour-before']).toMatchObject({
      target: { type: 'attribute', source: 'event', path: 'startsAt', offsetMs: -3_600_000 },
      timeOfDay: null,
    });
    expect(reminder.eventFields).toEqual({ 'seminar.registered': ['startsAt'] });
    const upsell = compileExample('upsell.yaml');
    expect(upsell.steps['weekend-lunch']).toMatchObject({ timeOfDay: '12:00', weekdays: [6, 7] });
    expect(upsell.steps['offer']).toMatchObject({
      variants: [
        { name: 'discount', weight: 50, next: 'grinder-discount' },
        { name: 'guide', weight: 50, next: 'grinder-guide' },
      ],
    });
    expect(upsell.listens['order.completed']).toEqual(['entry', 'exit', 'goal']);
  });

  it('line survey: conditions inside on_event read the event wait_for received', () => {
    const plan = compileExample('line-survey.yaml');
    expect(plan.steps['answer']).toMatchObject({ kind: 'branch', eventFrom: 'wait-answer', default: 'tag-other' });
    expect(plan.steps['wait-answer']).not.toHaveProperty('eventFrom');
    expect(plan.eventFields).toEqual({ 'line.postback': ['data'] });
    expect(plan.steps['tag-light']).toMatchObject({ next: 'menu-members', set: { surveyAnswer: 'light' } });
  });

  it('line survey: new friends get the newcomers menu, and members once they answer', () => {
    const plan = compileExample('line-survey.yaml');
    expect(plan.steps['welcome']).toMatchObject({ next: 'menu-newcomers' });
    expect(plan.steps['menu-newcomers']).toMatchObject({ kind: 'line_richmenu', link: 'newcomers', next: 'wait-10m' });
    expect(plan.steps['menu-members']).toMatchObject({ kind: 'line_richmenu', link: 'members', next: 'thanks' });
    for (const tag of ['tag-light', 'tag-dark', 'tag-other'])
      expect(plan.steps[tag]).toMatchObject({ next: 'menu-members' });
    expect(plan.steps['reminder']).toMatchObject({ next: null });
  });

  it('plans are plain JSON and deterministic', () => {
    for (const name of Object.keys(STEP_IDS)) {
      const plan = compileExample(name);
      expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
      expect(compileExample(name)).toEqual(plan);
    }
  });
});

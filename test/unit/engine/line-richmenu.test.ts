// The line_richmenu step: one request, the run goes on with any answer, journaled with its reason.
import { describe, expect, it } from 'vitest';
import { createJourneyState } from '../../../engine/state.js';
import { describeState } from '../../../engine/describe-state.js';
import { stepJourney } from '../../../engine/step-journey.js';
import type { JourneyCommand } from '../../../engine/commands.js';
import { describeRecord } from '../../../engine/simulator/describe.js';
import { exitOn, makePlan, send, T0 } from './plans.js';
import { actions, run } from './simulate-helpers.js';

const plan = makePlan(
  [
    { kind: 'line_richmenu', id: 'menu', link: 'members', next: 'thanks' },
    send('thanks', 'thanks', 'reset', { channel: 'line' }),
    { kind: 'line_richmenu', id: 'reset', link: null, next: null },
  ],
  { exits: [exitOn('line.unfollowed')] },
);
const follower = { lineUserId: 'U1', consent: { line: 'following' } };

describe('line_richmenu', () => {
  it('links, goes on, and unlinks, each journaled', () => {
    const result = run(plan, { profile: follower });
    expect(actions(result.journal)).toEqual([
      'entered',
      'richmenu-linked @menu',
      'sent @thanks',
      'richmenu-unlinked @reset',
      'completed:completed',
    ]);
    expect(result.journal.find((r) => r.stepId === 'menu')).toMatchObject({
      stepKind: 'line_richmenu',
      detail: { menu: 'members' },
    });
  });

  it('skips a customer without a LINE user id, with the reason, and goes on', () => {
    const result = run(plan, { profile: { email: 'a@example.com' } });
    expect(actions(result.journal)).toContain('skipped:no-line-user @menu');
    expect(actions(result.journal)).toContain('skipped:no-line-user @reset');
    expect(result.outcome).toBe('completed');
    const skipped = result.journal.find((r) => r.stepId === 'menu')!;
    expect(describeRecord(skipped, 'UTC')).toBe('rich menu members skipped: no LINE user id');
  });

  it('sends no request for a holdout customer', () => {
    const result = run(plan, { profile: follower, holdout: true });
    expect(actions(result.journal)).toContain('skipped:holdout @menu');
    expect(result.journal.some((r) => r.action === 'richmenu-linked')).toBe(false);
  });

  it('issues one line_richmenu request and waits for its answer, which any status moves on', () => {
    const started = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), {
      type: 'start',
      nowMs: T0,
      customerId: 'c1',
      entryEvent: null,
    });
    const claim = started.commands.find((c) => c.type === 'claim_entry');
    const granted = stepJourney(plan, started.state, {
      type: 'entry_claimed',
      nowMs: T0,
      correlationId: claim?.type === 'claim_entry' ? claim.correlationId : '',
      granted: true,
    });
    const request = granted.commands.find(
      (c): c is Extract<JourneyCommand, { type: 'line_richmenu' }> => c.type === 'line_richmenu',
    );
    expect(request).toMatchObject({ stepId: 'menu', link: 'members' });
    expect(describeState(plan, granted.state)).toBe('menu: linking rich menu members');
    const failed = stepJourney(plan, granted.state, {
      type: 'richmenu_result',
      nowMs: T0,
      correlationId: request!.correlationId,
      status: 'failed',
      reason: 'unknown-rich-menu',
    });
    const rows = failed.commands.filter((c) => c.type === 'journal').map((c) => c.type === 'journal' && c.record);
    expect(rows[0]).toMatchObject({ stepId: 'menu', action: 'failed', reason: 'unknown-rich-menu' });
    expect(failed.commands.some((c) => c.type === 'send')).toBe(true);
  });

  it('refuses an answer with an unknown status as an invalid input', () => {
    const started = stepJourney(plan, createJourneyState(plan.journeyId, plan.contentHash), {
      type: 'richmenu_result',
      nowMs: T0,
      correlationId: 'c1',
      status: 'maybe',
      reason: null,
    } as never);
    expect(started.commands).toContainEqual(expect.objectContaining({ type: 'fail', code: 'INVALID_INPUT' }));
  });
});

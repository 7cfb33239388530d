import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { redactFailures, redactPersonalData } from '../../activities/redact-failures.js';

const run = { workflowId: 'kizuna/winback/cust-hanako', journeyId: 'winback', version: 1, customerId: 'cust-hanako' };
const failing = (err: unknown) =>
  redactFailures({
    // eslint-disable-next-line @typescript-eslint/require-await
    send: async (_input: { run: typeof run }) => {
      throw err;
    },
  });
const thrown = async (err: unknown): Promise<ApplicationFailure> => {
  try {
    await failing(err).send({ run });
  } catch (e) {
    return e as ApplicationFailure;
  }
  throw new Error('the activity did not fail');
};

describe('activity failures crossing into Temporal', () => {
  it('carry no address, LINE user id or customer id, and keep the codes', () => {
    expect(
      redactPersonalData(
        '450 4.2.1 <hanako.yamada+shop@mail.example.co.jp>: mailbox busy; to U4af4980629aaaaaaaaaaaaaaaaaaaaaa',
        ['cust-hanako'],
      ),
    ).toBe('450 4.2.1 <<address>>: mailbox busy; to <line-user>');
    expect(redactPersonalData('E11000 dup key: { customerId: "cust-hanako" }', ['cust-hanako'])).toBe(
      'E11000 dup key: { customerId: "<customer>" }',
    );
  });

  it('redact a retryable SMTP failure, keeping its type, retry decision, delay and code', async () => {
    const failure = await thrown(
      ApplicationFailure.create({
        message: '421 4.7.0 Try again later, closing connection for hanako@example.jp (cust-hanako)',
        type: 'DELIVERY_RETRYABLE',
        details: [{ code: 'EMAIL_UNAVAILABLE', note: 'rcpt hanako@example.jp' }],
        nextRetryDelay: 30_000,
      }),
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toBe('421 4.7.0 Try again later, closing connection for <address> (<customer>)');
    expect(failure.type).toBe('DELIVERY_RETRYABLE');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(30_000);
    expect(failure.details).toEqual([{ code: 'EMAIL_UNAVAILABLE', note: 'rcpt <address>' }]);
    expect(JSON.stringify(failure.stack)).not.toContain('hanako@example.jp');
  });

  it('turn a plain error into a retryable failure of the same type name, redacted', async () => {
    const err = Object.assign(new Error('connection refused while mailing hanako@example.jp'), {
      name: 'MongoNetworkError',
    });
    const failure = await thrown(err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'MongoNetworkError', nonRetryable: false });
    expect(failure.message).toBe('connection refused while mailing <address>');
  });

  it('keep non-retryable failures non-retryable, and let cancellation through untouched', async () => {
    const permanent = await thrown(
      ApplicationFailure.nonRetryable('no journey for cust-hanako', 'JOURNEY_VERSION_NOT_FOUND'),
    );
    expect(permanent).toMatchObject({
      nonRetryable: true,
      type: 'JOURNEY_VERSION_NOT_FOUND',
      message: 'no journey for <customer>',
    });
    const cancelled = new CancelledFailure('CANCELLED');
    expect(await thrown(cancelled)).toBe(cancelled);
  });
});

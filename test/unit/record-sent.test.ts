// Recording a send the provider accepted, against a store that never answers: a write sent on a link
// that died without a reset gets no reply and no error (the driver has no socket timeout), so each try
// must be bounded or the send never answers and its activity cannot retry it.
import { describe, expect, it } from 'vitest';
import { DeliveryRetryableError, type DeliveryDeps } from '../../channels/delivery-types.js';
import { recordSent } from '../../channels/deliver-provider.js';
import type { DeliveryFinish } from '../../store/deliveries.js';

const never = () => new Promise<never>(() => {});
const row = { idempotencyKey: 'kizuna/j/c1/e1/mail/1/0', uncertain: false };
const sent = { providerMessageId: '<m1@shop.example.jp>', providerResponse: '250 OK' };

/** Deps whose ledger writes go to `updateOne` (direct) and `finishSent` (the group write). */
function depsWith(
  updateOne: (filter: unknown, update: unknown) => Promise<unknown>,
  finishSent?: DeliveryDeps['finishSent'],
) {
  const models = { Delivery: { updateOne } } as unknown as DeliveryDeps['models'];
  return { models, finishSent, recordSentDelaysMs: [10, 10], recordSentTryMs: 50 } as unknown as DeliveryDeps;
}

describe('recordSent against a store that does not answer', () => {
  it('fails with a retryable STORE_UNAVAILABLE within its tries instead of waiting forever', async () => {
    const started = Date.now();
    const err = await recordSent(depsWith(never, never), row, sent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryRetryableError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((err as Error).message).toContain('did not answer within 50 ms');
    // Three tries of 50 ms and two pauses of 10 ms, with room for a slow machine.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('writes the row alone on a retry when the group write is stuck, and records the send', async () => {
    const writes: unknown[] = [];
    const finishSent = (_: DeliveryFinish) => never();
    const updateOne = (filter: unknown, update: unknown) => {
      writes.push({ filter, update });
      return Promise.resolve({ acknowledged: true });
    };
    await recordSent(depsWith(updateOne, finishSent), row, sent);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      filter: { _id: row.idempotencyKey },
      update: { $set: { status: 'sent', providerMessageId: sent.providerMessageId } },
    });
  });
});

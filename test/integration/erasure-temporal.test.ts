// Erasure reaches Temporal: the customer's executions, open and closed, are deleted rather than left
// until the namespace's retention (real Temporal dev server and FerretDB; no worker, so runs stay open).
import { WorkflowNotFoundError } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeyYaml, startApiHarness, unique, type ApiHarness } from './api/harness.js';

let h: ApiHarness;
const auth = () => ({ authorization: `Bearer ${h.token}` });

beforeAll(async () => {
  h = await startApiHarness(import.meta.filename);
});
afterAll(async () => {
  await h?.close();
});

/** Whether Temporal dropped the run (deletion is asynchronous, about 30 s on the dev server: polled for up to 60 s). */
async function runGone(workflowId: string, runId: string): Promise<boolean> {
  for (let i = 0; i < 120; i++) {
    try {
      await h.client.workflow.getHandle(workflowId, runId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return true;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

describe('DELETE /v1/customers/:id in Temporal', () => {
  it("deletes the customer's closed and open executions", { timeout: 200_000 }, async () => {
    const journeyId = unique('j-erase-t');
    await request(h.app)
      .post('/v1/journeys')
      .set(auth())
      .set('content-type', 'application/yaml')
      .send(journeyYaml({ id: journeyId, event: 'signup.done' }))
      .expect(201);
    const id = unique('erase-t');
    await request(h.app)
      .put(`/v1/customers/${id}`)
      .set(auth())
      .send({ email: `${id}@example.jp` });
    const enter = () =>
      request(h.app)
        .post('/v1/events')
        .set(auth())
        .send({ type: 'signup.done', customerId: id, occurredAt: '2026-11-02T10:00:00Z', idempotencyKey: unique('k') });
    expect((await enter()).body.status).toBe('entered');
    const workflowId = `kizuna/${journeyId}/${id}`;
    const first = await h.client.workflow.getHandle(workflowId).describe();
    // A closed run (as after an earlier journey ended), then a new open one under the same workflow id.
    await h.client.workflow.getHandle(workflowId, first.runId).terminate('test: an earlier run');
    expect((await enter()).body.status).toBe('entered');
    const second = await h.client.workflow.getHandle(workflowId).describe();
    expect(second.runId).not.toBe(first.runId);
    expect(second.status.name).toBe('RUNNING');

    const res = await request(h.app).delete(`/v1/customers/${id}`).set(auth());
    expect(res.status).toBe(200);
    expect(await runGone(workflowId, first.runId)).toBe(true);
    expect(await runGone(workflowId, second.runId)).toBe(true);
    const left: string[] = [];
    for await (const run of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) left.push(run.runId);
    expect(left).toEqual([]);
  });
});

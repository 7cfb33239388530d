/**
 * The run's timer under the `timer-per-wait` patch: one timer per wait, armed when the run starts
 * waiting and kept while inputs that do not end the wait arrive (a duplicate event, an event whose
 * filter is being evaluated, a control). It is cancelled only when the run waits on something else.
 * Before the patch every input interrupted a `condition` with a timeout, and the wait armed a new
 * timer for what remained: one billed timer per signal.
 */
import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { WaitCommand } from '../engine/index.js';

export class WaitTimer {
  private armed: { correlationId: string; scope: CancellationScope } | null = null;
  private fired: string | null = null;

  /** @param onFire receives the correlation id of the wait whose timer fired (or was already due). */
  constructor(private readonly onFire: (correlationId: string) => void) {}

  /**
   * Keeps the timer of `wait` (arming it when it is new), and cancels a timer armed for an earlier
   * wait. A wait without an end (`untilMs: null`, a pause hold) or none at all arms nothing.
   */
  keep(wait: WaitCommand | null, summary: () => string): void {
    const untilMs = wait?.untilMs ?? null;
    const id = wait !== null && untilMs !== null ? wait.correlationId : null;
    if (this.armed !== null && this.armed.correlationId !== id) {
      this.armed.scope.cancel();
      this.armed = null;
    }
    if (id === null || untilMs === null || this.armed !== null || this.fired === id) return;
    const remaining = untilMs - Date.now();
    if (remaining <= 0) return this.fire(id);
    const scope = new CancellationScope();
    this.armed = { correlationId: id, scope };
    scope
      .run(() => sleep(remaining, { summary: summary() }))
      .then(
        () => {
          if (this.armed?.correlationId === id) this.armed = null;
          this.fire(id);
        },
        (err: unknown) => {
          // A cancelled timer belongs to a wait the run has left: nothing to answer.
          if (!isCancellation(err)) throw err;
        },
      );
  }

  private fire(id: string): void {
    this.fired = id;
    this.onFire(id);
  }
}

/**
 * The run's journal rows between the engine's `journal` commands and the store: each row gets its
 * stable id (workflow id, chain id, sequence) here; rows ride along with the next request's activity,
 * or go in a `flushJournal` local activity of their own.
 */
import type { JournalRow, RunContext } from '../activities/types.js';
import type { JournalRecord } from '../engine/index.js';
import { storeActivity } from './requests.js';

/** Rows the funnel and the timeline show at once: what happened to a message, a conversion. */
const PROMPT_ACTIONS: ReadonlySet<string> = new Set(['sent', 'skipped', 'failed', 'held', 'converted']);

export class JournalBuffer {
  private rows: JournalRow[] = [];
  /** Flushes still out; the run waits for them before it continues as new or ends. */
  flushes = 0;

  /**
   * @param seq rows written so far in the chain (carried by continue-as-new)
   * @param onFailure receives a flush failure that is not awaited (it fails the run)
   */
  constructor(
    private readonly ctx: RunContext,
    private readonly chainId: string,
    public seq: number,
    private readonly onFailure: (err: unknown) => void,
  ) {}

  get size(): number {
    return this.rows.length;
  }

  /** Whether a buffered row should be written before the run rests (see {@link PROMPT_ACTIONS}). */
  holdsPrompt(): boolean {
    return this.rows.some((row) => PROMPT_ACTIONS.has(row.action));
  }

  add(record: JournalRecord): void {
    this.seq += 1;
    const { workflowId, journeyId, version, customerId } = this.ctx;
    this.rows.push({
      rowId: `${workflowId}/${this.chainId}/${String(this.seq).padStart(8, '0')}`,
      journeyId,
      version,
      customerId,
      workflowId,
      stepId: record.stepId,
      stepKind: record.stepKind,
      action: record.action,
      reason: record.reason,
      detail: record.detail,
      atMs: record.atMs,
    });
  }

  /** The rows not yet written, to ride along with a request; the buffer is empty afterwards. */
  take(): JournalRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /**
   * Writes the buffered rows in one local activity; with `end`, also closes the run's entry. A flush
   * without `end` reports its failure to `onFailure`; one with `end` rejects for the caller.
   */
  flush(end: { entryKey: string; outcome: string } | null = null): Promise<void> {
    if (this.rows.length === 0 && end === null) return Promise.resolve();
    const rows = this.take();
    this.flushes += 1;
    const summary = end ? `journal: ${end.outcome}` : `journal ${rows.length} rows`;
    const flushed = storeActivity('flushJournal', summary, [{ run: this.ctx, rows, end }]).finally(() => {
      this.flushes -= 1;
    });
    if (end === null) flushed.catch(this.onFailure);
    return flushed;
  }
}

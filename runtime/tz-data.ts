/**
 * The time-zone rules a worker computes with. Quiet hours, `wait_until` moments and calendar dates
 * are computed inside workflow code with `Intl`, whose rules come from the IANA tz data built into
 * Node's ICU (`process.versions.tz`). A replay on a worker with other rules could compute another
 * moment than the run did, so the deployment pins the tz data release (`KIZUNA_TZDATA`) and the
 * worker checks it at start (policy in docs/runtime.md, "Time-zone data").
 */

/** What the worker found: its tz data, the pinned release, and the verdict. */
export interface TzDataCheck {
  /** The IANA tz data release of this Node (`process.versions.tz`), or null when Node does not say. */
  actual: string | null;
  /** `KIZUNA_TZDATA`, or null when the deployment pinned none. */
  pinned: string | null;
  /** `ok`: they agree; `unpinned`: nothing pinned; `mismatch`: they differ (or this Node does not say). */
  verdict: 'ok' | 'unpinned' | 'mismatch';
  /** One line for the worker's log. */
  message: string;
}

/** Thrown at worker start in production when the tz data is not the pinned release. */
export class TzDataMismatchError extends Error {
  readonly code = 'TZDATA_MISMATCH';
  constructor(message: string) {
    super(message);
    this.name = 'TzDataMismatchError';
  }
}

/**
 * Compares the worker's tz data with the pinned release. `versions` is `process.versions`
 * (its `tz` and `icu`); `pinned` is `KIZUNA_TZDATA` (empty counts as unset).
 */
export function checkTzData(
  pinnedSetting: string | undefined,
  versions: { tz?: string | undefined; icu?: string | undefined },
): TzDataCheck {
  const actual = versions.tz ?? null;
  const pinned = pinnedSetting === undefined || pinnedSetting.trim() === '' ? null : pinnedSetting.trim();
  const found = `tz data ${actual ?? 'unknown'} (ICU ${versions.icu ?? 'unknown'})`;
  if (pinned === null) {
    return { actual, pinned, verdict: 'unpinned', message: `${found}; KIZUNA_TZDATA is not set, nothing is pinned` };
  }
  if (actual === pinned) return { actual, pinned, verdict: 'ok', message: `${found}, as pinned by KIZUNA_TZDATA` };
  return {
    actual,
    pinned,
    verdict: 'mismatch',
    message:
      `${found}, but KIZUNA_TZDATA pins ${pinned}: quiet hours and dates of replayed runs could change ` +
      '(see docs/runtime.md, "Time-zone data")',
  };
}

/**
 * The start-up rule: a mismatch refuses to start in production ({@link TzDataMismatchError}) and is
 * a loud warning elsewhere; an unpinned production worker warns. Returns the line to log.
 * @throws TzDataMismatchError in production when the tz data is not the pinned release.
 */
export function enforceTzData(check: TzDataCheck, production: boolean): { level: 'info' | 'warn'; line: string } {
  if (check.verdict === 'mismatch' && production) throw new TzDataMismatchError(check.message);
  if (check.verdict === 'mismatch') return { level: 'warn', line: `WARNING ${check.message}` };
  if (check.verdict === 'unpinned' && production) return { level: 'warn', line: `WARNING ${check.message}` };
  return { level: 'info', line: check.message };
}

/** The month LINE's message quota counts in. */

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * The quota month of a moment, `YYYY-MM`: LINE counts a channel's messages per calendar month in Japan
 * time (UTC+9, no daylight saving), so a push at 2026-11-30T16:00Z counts in December.
 */
export function quotaMonth(atMs: number): string {
  return new Date(atMs + JST_OFFSET_MS).toISOString().slice(0, 7);
}

import { describe, expect, it } from 'vitest';
import { entryPriority, fairnessKeyOf } from '../../../runtime/priority.js';

describe('entryPriority', () => {
  it("puts a customer's own entry ahead of bulk entries, keyed by journey", () => {
    expect(entryPriority('winback-90d', 'single')).toEqual({ priorityKey: 2, fairnessKey: 'winback-90d' });
    expect(entryPriority('winback-90d', 'bulk')).toEqual({ priorityKey: 4, fairnessKey: 'winback-90d' });
  });

  it('cuts a fairness key to 64 bytes without splitting a character', () => {
    const id = 'お'.repeat(30); // 90 bytes in UTF-8
    const key = fairnessKeyOf(id);
    expect(Buffer.byteLength(key)).toBe(63);
    expect(id.startsWith(key)).toBe(true);
  });
});

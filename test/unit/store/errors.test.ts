// The store's one reading of MongoDB's duplicate-key answers, as the driver shapes them.
import { describe, expect, it } from 'vitest';
import { DUPLICATE_KEY, duplicateKeyWrites, isDuplicateKeyError } from '../../../store/errors.js';

describe('isDuplicateKeyError', () => {
  it.each([
    [{ code: 11000 }, true],
    [{ code: 11001 }, false],
    [new Error('connection closed'), false],
    [null, false],
  ])('%o -> %s', (err, expected) => {
    expect(isDuplicateKeyError(err)).toBe(expected);
  });
});

describe('duplicateKeyWrites', () => {
  it('lists the indexes of the refused writes when every one is a duplicate key', () => {
    const err = {
      writeErrors: [
        { index: 0, code: DUPLICATE_KEY },
        { index: 3, err: { code: DUPLICATE_KEY } },
      ],
    };
    expect(duplicateKeyWrites(err)).toEqual([0, 3]);
  });

  it('reads a single write error given as an object', () => {
    expect(duplicateKeyWrites({ writeErrors: { index: 2, code: DUPLICATE_KEY } })).toEqual([2]);
  });

  it('is null when any write failed otherwise, or when the error lists no writes', () => {
    const mixed = {
      writeErrors: [
        { index: 0, code: DUPLICATE_KEY },
        { index: 1, code: 121 },
      ],
    };
    expect(duplicateKeyWrites(mixed)).toBeNull();
    expect(duplicateKeyWrites({ code: DUPLICATE_KEY })).toBeNull();
    expect(duplicateKeyWrites(new Error('timeout'))).toBeNull();
  });
});

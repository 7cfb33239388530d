/** Erasure of a customer's route arrivals (see store/routes.ts `pseudonymiseRouteTouches`). */
import type { Models } from '../../store/connection.js';
import { pseudonymiseRouteTouches } from '../../store/routes.js';
import { aliasOf, type Keys } from '../customers/erasure.js';
import type { Eraser } from '../customers/routes.js';

/** Route arrivals: customer id pseudonymised, LINE user id removed; the reports keep their counts. */
export function routeTouchesEraser(models: Models, keys: Keys): Eraser {
  return {
    name: 'routeTouches',
    check: () => void aliasOf(keys, 'check'),
    erase: (customerId) => pseudonymiseRouteTouches(models, customerId, aliasOf(keys, customerId)),
  };
}

/** Activity types for workflow code, which may import types only (see the import rules). */
import type { createActivities } from './index.js';

export type Activities = ReturnType<typeof createActivities>;
export type { DeliverEmailInput, DeliverEmailResult } from './deliver-email.js';

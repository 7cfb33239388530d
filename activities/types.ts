/** Activity types for workflow code, which may import types only (see the import rules). */
import type { createActivities } from './index.js';

export type Activities = ReturnType<typeof createActivities>;
export type { RunContext, RequestInput, Answer } from './run-context.js';
export type { LoadPlanInput } from './entry.js';
export type { FlushJournalInput } from './journal.js';
export type { JournalRow } from '../store/journal.js';

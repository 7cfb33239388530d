/**
 * Kizuna's search attributes, as the Temporal UI and list queries see them. The dev server registers
 * them at start (`npm start`); a production namespace needs them once:
 * `temporal operator search-attribute create --name KizunaJourney --type Keyword` (and so on).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const KizunaJourney = defineSearchAttributeKey('KizunaJourney', SearchAttributeType.KEYWORD);
export const KizunaJourneyVersion = defineSearchAttributeKey('KizunaJourneyVersion', SearchAttributeType.INT);
export const KizunaCustomer = defineSearchAttributeKey('KizunaCustomer', SearchAttributeType.KEYWORD);
export const KizunaStep = defineSearchAttributeKey('KizunaStep', SearchAttributeType.KEYWORD);
export const KizunaOutcome = defineSearchAttributeKey('KizunaOutcome', SearchAttributeType.KEYWORD);

/** Name -> type as the Temporal CLI spells it (`--search-attribute KizunaJourney=Keyword`). */
export const SEARCH_ATTRIBUTE_TYPES = {
  KizunaJourney: 'Keyword',
  KizunaJourneyVersion: 'Int',
  KizunaCustomer: 'Keyword',
  KizunaStep: 'Keyword',
  KizunaOutcome: 'Keyword',
} as const;

/** The task queue every Kizuna worker polls. */
export const TASK_QUEUE = 'kizuna';

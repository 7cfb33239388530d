/**
 * The journey engine: pure, deterministic journey semantics. The Temporal workflow and
 * `kizuna simulate` both drive {@link stepJourney}; see its documentation for the driver loop.
 */
export { stepJourney, outstandingCommands, type StepResult } from './step-journey.js';
export {
  createJourneyState,
  STATE_VERSION,
  SEEN_EVENT_LIMIT,
  TOUCH_LIMIT,
  INBOX_LIMIT,
  type JourneyState,
  type Cursor,
  type StepStage,
  type LoopFrame,
  type Touch,
} from './state.js';
export type * from './inputs.js';
export type * from './commands.js';
export { MAX_TRANSITIONS_PER_CALL, MAX_TRANSITIONS_PER_RUN } from './turn.js';
export { chooseVariant } from './steps/decide.js';
export { fnv1a, isInHoldout, stableBucket } from './hash.js';
export { validatePlan } from './validate-plan.js';
export { describeState } from './describe-state.js';
export { HOLD_RECHECK_MS } from './control.js';

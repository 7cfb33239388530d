/** The client side of the runtime: what the API and the segment scheduler call. */
export {
  enterJourney,
  JourneyVersionMissingError,
  type EnterJourneyInput,
  type EnterJourneyResult,
} from './enter-journey.js';
export { signalCustomerEvent } from './signal.js';
export { controlJourney, endCustomerJourneys } from './control.js';
export { journeyWorkflowId, type RuntimeDeps } from './deps.js';
export { countWaitingRuns, type WaitingAtStep } from './waiting.js';

/** The workflow bundle's entry: every workflow type the worker registers. */
export { journeyWorkflow } from './journey.js';
export { journeyControlFanOutWorkflow } from './control-fan-out.js';

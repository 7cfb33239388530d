/** The workflow bundle's entry: every workflow type the worker registers. */
export { skeletonWorkflow } from './skeleton.js';

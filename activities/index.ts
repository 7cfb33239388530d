/**
 * The activity factory: every activity receives its dependencies here, so the worker composes real
 * connections and tests compose the same real servers on their own ports.
 */
import type { EmailSender } from '../channels/email.js';
import type { Models } from '../store/models/index.js';
import { makeDeliverEmail } from './deliver-email.js';

export interface ActivityDeps {
  models: Models;
  email: EmailSender;
}

export function createActivities(deps: ActivityDeps) {
  return {
    deliverEmail: makeDeliverEmail(deps),
  };
}

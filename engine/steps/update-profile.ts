/** `update_profile`: set attributes and tags (holdout customers too: it sends nothing). */
import type { UpdateProfileStep } from '../../definitions/plan.js';
import { enterStage } from '../cursor.js';
import type { JourneyInput } from '../inputs.js';
import { type Flow, type Turn, STOP, goTo, issue, journal, mismatch } from '../turn.js';

export function enterUpdateProfile(turn: Turn, step: UpdateProfileStep): Flow {
  enterStage(turn, step.id, 'update', null);
  issue(turn, (correlationId) => ({
    type: 'update_profile',
    correlationId,
    stepId: step.id,
    set: step.set,
    addTags: step.addTags,
    removeTags: step.removeTags,
  }));
  return STOP;
}

export function resumeUpdateProfile(turn: Turn, step: UpdateProfileStep, input: JourneyInput): Flow {
  if (input.type !== 'profile_updated') return mismatch(turn, input);
  journalProfileUpdate(turn, step);
  return goTo(step.next);
}

/** Journals the update as done. */
export function journalProfileUpdate(turn: Turn, step: UpdateProfileStep): void {
  journal(turn, step, 'profile-updated', null, {
    set: Object.keys(step.set).join(',') || null,
    addTags: step.addTags.join(',') || null,
    removeTags: step.removeTags.join(',') || null,
  });
}

/**
 * Billable Temporal actions per run (Temporal Cloud's rules, bench/actions/billable-actions.ts) of
 * every example journey's main path, counted from recorded histories: the interpreter now and before
 * the cheaper-run patches, the hand-written baseline with and without the UI's search attributes, and
 * their ratios (goal ≤ 1.2). Prints one JSON line; fails when it counted no run.
 *
 * Usage: npx tsx bench/actions.ts
 */
import { cpus, loadavg } from 'node:os';
import { assertWork, exactly } from './assert-work.js';
import { ACTIONS_GOAL_RATIO, compareActions } from './actions/compare.js';
import { HAND_WRITTEN } from './actions/scenarios.js';

const journeys = compareActions();
assertWork('actions', {
  journeys: exactly(journeys.length, HAND_WRITTEN.length),
  runsWithActions: exactly(journeys.filter((j) => j.interpreter > 0 && j.handWritten > 0).length, HAND_WRITTEN.length),
});
const worst = Math.max(...journeys.map((j) => j.ratio));
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'actions',
    cpus: cpus().length,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
    goal: { ratioAtMost: ACTIONS_GOAL_RATIO, worstRatio: worst, met: worst <= ACTIONS_GOAL_RATIO },
    worstRatioWithoutUi: Math.max(...journeys.map((j) => j.ratioWithoutUi)),
    journeys,
  })}\n`,
);

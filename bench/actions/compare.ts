/**
 * The interpreter's billed actions per run against the hand-written baseline's, for every example
 * journey's main path, from the recorded histories: the interpreter's with the cheaper-run patches
 * (`example-<name>.cheaper-runs.json`) and before them (`example-<name>.local-activities.json`), the
 * baseline's from test/fixtures/hand-written-histories/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../scripts/servers.js';
import { countActions, maxUpsertsPerTask, rearmedTimers } from './billable-actions.js';
import { HAND_WRITTEN } from './scenarios.js';

/** The goal: a run costs at most this many times the hand-written workflow's actions. */
export const ACTIONS_GOAL_RATIO = 1.2;

const fixtures = join(projectRoot, 'test', 'fixtures');
const read = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

/** One journey's figures. */
export interface ActionsComparison {
  journey: string;
  interpreter: number;
  /** The interpreter before the cheaper-run patches (the committed history of that path, when there is one). */
  interpreterBefore: number | null;
  handWritten: number;
  /** The baseline without its search-attribute upserts (a run the Temporal UI cannot filter by step). */
  handWrittenWithoutUi: number;
  ratio: number;
  ratioWithoutUi: number;
  maxUpsertsPerTask: number;
  rearmedTimers: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Compares every scenario of {@link HAND_WRITTEN}; throws when a recorded history is missing. */
export function compareActions(): ActionsComparison[] {
  return HAND_WRITTEN.map(({ name }) => {
    const run = read(join(fixtures, 'histories', `example-${name}.cheaper-runs.json`));
    const beforeFile = join(fixtures, 'histories', `example-${name}.local-activities.json`);
    const hand = countActions(read(join(fixtures, 'hand-written-histories', `${name}.json`)));
    const interpreter = countActions(run).total;
    const withoutUi = hand.total - hand.byKind.searchAttributeUpsert;
    return {
      journey: name,
      interpreter,
      interpreterBefore: existsSync(beforeFile) ? countActions(read(beforeFile)).total : null,
      handWritten: hand.total,
      handWrittenWithoutUi: withoutUi,
      ratio: round2(interpreter / hand.total),
      ratioWithoutUi: round2(interpreter / withoutUi),
      maxUpsertsPerTask: maxUpsertsPerTask(run),
      rearmedTimers: rearmedTimers(run),
    };
  });
}

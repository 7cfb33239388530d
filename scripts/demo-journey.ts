/**
 * The demo journey of `npm start`: the winback example with its waits shortened to seconds, entered
 * by API at any hour (no quiet hours, cap or holdout), so a run shows every stage within a minute.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import { formatDefinitionError } from '../definitions/errors.js';
import { pinTemplates, publishJourney, type PublishResult } from '../store/journeys.js';
import type { Models } from '../store/models/index.js';
import { projectRoot } from './servers.js';

export const DEMO_JOURNEY_ID = 'winback-90d-demo';

interface StepDoc {
  id?: string;
  wait?: string;
  wait_for?: { timeout?: string };
}

/** The demo journey's YAML, derived from definitions/journeys/winback.yaml. */
export function demoJourneySource(): string {
  const source = readFileSync(join(projectRoot, 'definitions', 'journeys', 'winback.yaml'), 'utf8');
  const doc = parse(source) as Record<string, unknown> & { policy?: Record<string, unknown>; steps: StepDoc[] };
  doc.journey = DEMO_JOURNEY_ID;
  doc.name = `${String(doc.name)}（デモ: 待ち時間は数秒）`;
  doc.entry = { api: true, reentry: 'always' };
  delete doc.holdout;
  // Seconds-long waits: quiet hours and a weekly cap would hold the later emails for hours or days.
  if (doc.policy) {
    delete doc.policy.quiet_hours;
    delete doc.policy.frequency_cap;
  }
  for (const step of doc.steps) {
    if (step.wait !== undefined) step.wait = '15s';
    if (step.wait_for?.timeout !== undefined) step.wait_for.timeout = '45s';
  }
  return stringify(doc);
}

/** Compiles and publishes the demo journey (unchanged content keeps its version). */
export async function publishDemoJourney(models: Models): Promise<PublishResult> {
  const source = demoJourneySource();
  const options = loadCompileOptions(join(projectRoot, 'definitions'), projectRoot);
  const result = compileJourney(source, 'definitions/journeys/winback.yaml (demo)', options);
  if (!result.ok) throw new Error(result.errors.map((e) => formatDefinitionError(e, source)).join('\n'));
  return publishJourney(models, {
    plan: result.plan,
    source,
    templates: pinTemplates(result.plan, options.templates ?? {}),
  });
}

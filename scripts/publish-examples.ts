/**
 * Compiles and publishes the example journeys of definitions/journeys/ into MongoDB, as `npm start`
 * does. Publishing is idempotent: unchanged journeys keep their version.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadCompileOptions } from '../definitions/catalog.js';
import { compileJourney } from '../definitions/compile.js';
import { formatDefinitionError } from '../definitions/errors.js';
import { pinTemplates, publishJourney, type PublishResult } from '../store/journeys.js';
import type { Models } from '../store/models/index.js';
import { projectRoot } from './servers.js';

export type ExampleOutcome = ({ ok: true } & PublishResult) | { ok: false; file: string; errors: string[] };

export async function publishExamples(models: Models): Promise<ExampleOutcome[]> {
  const definitions = join(projectRoot, 'definitions');
  const options = loadCompileOptions(definitions, projectRoot);
  const dir = join(definitions, 'journeys');
  const outcomes: ExampleOutcome[] = [];
  for (const entry of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const file = relative(projectRoot, join(dir, entry));
    const source = readFileSync(join(dir, entry), 'utf8');
    const result = compileJourney(source, file, options);
    if (!result.ok) {
      outcomes.push({ ok: false, file, errors: result.errors.map((e) => formatDefinitionError(e, source)) });
      continue;
    }
    const templates = pinTemplates(result.plan, options.templates ?? {});
    outcomes.push({ ok: true, ...(await publishJourney(models, { plan: result.plan, source, file, templates })) });
  }
  return outcomes;
}

/**
 * The line printed for a published journey. Its content hash covers the journey and the sources of
 * its templates, so a template edit (even a comment) makes a new version; runs in progress keep theirs.
 */
export function describePublish({ journeyId, version, created }: PublishResult): string {
  const head = `journey ${journeyId} v${version}`;
  if (!created) return `${head} unchanged`;
  if (version === 1) return `${head} published`;
  return (
    `${head} published: the journey or one of its templates changed since v${version - 1} ` +
    '(customers already inside stay on their version)'
  );
}

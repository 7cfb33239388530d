/** Journeys written inside a test: compiled against the example templates and published to the store. */
import { join } from 'node:path';
import { loadCompileOptions } from '../../definitions/catalog.js';
import { compileJourney, type CompileOptions } from '../../definitions/compile.js';
import type { Plan } from '../../definitions/plan.js';
import type { CustomerEvent } from '../../engine/index.js';
import { projectRoot } from '../../scripts/servers.js';
import { pinTemplates, publishJourney } from '../../store/journeys.js';
import type { Models } from '../../store/models/index.js';

const options = loadCompileOptions(join(projectRoot, 'definitions'), projectRoot);

/** Compiles `yaml` (throws with the errors when it does not compile). */
export function compileTestJourney(yaml: string): Plan {
  return compileWith(yaml, {});
}

function compileWith(yaml: string, extra: Partial<CompileOptions>): Plan {
  const result = compileJourney(yaml, 'test.yaml', { ...options, ...extra });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.code}: ${e.message}`).join('\n'));
  return result.plan;
}

/** Compiles (with `extra` compile options) and publishes `yaml`, its templates pinned; returns the plan and version. */
export async function publishTestJourney(
  models: Models,
  yaml: string,
  extra: Partial<CompileOptions> = {},
): Promise<{ plan: Plan; version: number }> {
  const plan = compileWith(yaml, extra);
  const { version } = await publishJourney(models, {
    plan,
    source: yaml,
    templates: pinTemplates(plan, options.templates ?? {}),
  });
  return { plan, version };
}

/** A customer who may receive email (subscribed, with an address). */
export async function createEmailCustomer(models: Models, customerId: string, extra: Record<string, unknown> = {}) {
  await models.Customer.create({
    customerId,
    email: `${customerId}@example.jp`,
    consent: { email: 'subscribed', line: 'unknown' },
    ...extra,
  });
  return `${customerId}@example.jp`;
}

/** An event at `timeMs` with an id of its own. */
export function testEvent(id: string, type: string, timeMs: number, properties: CustomerEvent['properties'] = {}) {
  return { id, type, timeMs, properties };
}

/** Compiling and publishing a journey sent to the API (YAML text, or a bundle of journey + templates). */
import { compileJourney, type CompileOptions } from '../../definitions/compile.js';
import { formatDefinitionError } from '../../definitions/errors.js';
import type { TemplateCatalog } from '../../definitions/templates.js';
import { pinTemplates, publishJourney, type PublishResult } from '../../store/journeys.js';
import type { Models } from '../../store/connection.js';
import { ApiError } from '../http/errors.js';
import type { Plan } from '../../definitions/plan.js';

export interface PublishInput {
  journey: string;
  file?: string;
  templates?: Record<string, { email?: string; line?: string }>;
}

/**
 * Compiles `input` against the server's catalog (overlaid with the bundle's templates) and stores it
 * as the next version, or returns the current one when the content is identical. Throws a 422
 * INVALID_DEFINITION carrying every positioned compiler error.
 */
export async function compileAndPublish(
  models: Models,
  options: CompileOptions,
  input: PublishInput,
): Promise<PublishResult & { plan: Plan; warnings: unknown[] }> {
  const file = input.file ?? 'journey.yaml';
  const templates: TemplateCatalog = { ...(options.templates ?? {}) };
  for (const [name, variants] of Object.entries(input.templates ?? {})) {
    const entry = { ...(Object.hasOwn(templates, name) ? templates[name] : {}) };
    if (variants.email !== undefined) entry.email = { file: `templates/email/${name}.yaml`, source: variants.email };
    if (variants.line !== undefined) entry.line = { file: `templates/line/${name}.yaml`, source: variants.line };
    Object.defineProperty(templates, name, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  const result = compileJourney(input.journey, file, { ...options, templates });
  if (!result.ok) {
    throw new ApiError(422, 'INVALID_DEFINITION', `${file} does not compile: ${result.errors.length} error(s).`, {
      errors: result.errors.map((e) => ({ ...e, formatted: formatDefinitionError(e, input.journey) })),
      warnings: result.warnings,
    });
  }
  const pinned = pinTemplates(result.plan, templates);
  const published = await publishJourney(models, { plan: result.plan, source: input.journey, file, templates: pinned });
  return { ...published, plan: result.plan, warnings: result.warnings };
}

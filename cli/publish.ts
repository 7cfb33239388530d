/** `kizuna publish <file|dir>...`: compiles locally, then publishes each journey with its templates through the API. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { findDefinitionsRoot, loadTemplateCatalog } from '../definitions/catalog.js';
import { join } from 'node:path';
import { ApiCallError, apiClientFromEnv, runCommand, type ApiClient } from './api-client.js';
import { publishRoutes, ROUTE_FILE } from './publish-routes.js';
import { RICH_MENU_FILE } from '../definitions/richmenus.js';
import { publishRichMenus, richMenuFiles, richMenusFromEnv } from './publish-richmenus.js';
import { collectYamlFiles, DEFINITIONS_OPTION_HELP, formatProblems, JourneyCompiler } from './journey-files.js';

/**
 * Publishes one file with the templates it uses, from `definitionsDir` (`--definitions`) or the
 * definitions folder found above the file; returns a line for the progress output, or throws the
 * API's refusal.
 */
export async function publishFile(
  api: ApiClient,
  compiler: JourneyCompiler,
  file: string,
  definitionsDir?: string,
): Promise<string> {
  const compiled = compiler.compileFile(file);
  if (!compiled.ok) throw new Error(formatProblems(compiled.errors));
  const catalog = loadTemplateCatalog(join(definitionsDir ?? findDefinitionsRoot(file), 'templates'));
  const templates: Record<string, { email?: string; line?: string }> = {};
  for (const name of Object.keys(compiled.plan.templates)) {
    const variants = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
    if (!variants) continue;
    templates[name] = {
      ...(variants.email ? { email: variants.email.source } : {}),
      ...(variants.line ? { line: variants.line.source } : {}),
    };
  }
  const { body } = await api.call<{ journeyId: string; version: number; created: boolean }>('POST', '/v1/journeys', {
    json: { journey: readFileSync(file, 'utf8'), file, templates },
  });
  return `${file}: ${body.journeyId} v${body.version} ${body.created ? 'published' : 'unchanged'}`;
}

/** Journey files among the paths: templates, routes, rich menus and the folder's settings files are not journeys. */
function journeyFiles(paths: string[]): string[] {
  return collectYamlFiles(paths).filter(
    (f) =>
      !/(^|[\\/])templates[\\/]/.test(f) &&
      !/(^|[\\/])(profile-fields|links|workspace)\.ya?ml$/.test(f) &&
      !ROUTE_FILE.test(f) &&
      !RICH_MENU_FILE.test(f),
  );
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('publish journeys (files or folders) through the API: KIZUNA_API_URL, KIZUNA_API_KEY')
    .argument('<paths...>', 'journey files or folders')
    .option('--definitions <dir>', DEFINITIONS_OPTION_HELP)
    .action((paths: string[], options: { definitions?: string }) =>
      runCommand(async () => {
        const api = apiClientFromEnv();
        const compiler = new JourneyCompiler(options.definitions);
        // Rich menus first: a journey published next may link them.
        const menus = await publishRichMenus(richMenuFiles(paths), () => richMenusFromEnv());
        for (const line of menus.lines) console.log(line);
        let failed = menus.failed;
        for (const file of journeyFiles(paths)) {
          try {
            console.log(await publishFile(api, compiler, file, options.definitions));
          } catch (err) {
            failed += 1;
            const details = err instanceof ApiCallError ? (err.details as { errors?: { formatted?: string }[] }) : null;
            const formatted = details?.errors?.map((e) => e.formatted).join('\n\n');
            console.error(`${file}: not published\n${formatted ?? (err as Error).message}`);
          }
        }
        failed += await publishRoutes(api, paths);
        if (failed > 0) process.exitCode = 1;
      }),
    );
}

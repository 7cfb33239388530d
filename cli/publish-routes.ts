/**
 * The routes part of `kizuna publish`: route files (`routes/*.yaml` under the given paths) are checked
 * locally, then sent to `POST /v1/routes` after the journeys, whose ids a route's actions may name.
 */
import { readFileSync } from 'node:fs';
import { formatDefinitionError } from '../definitions/errors.js';
import { loadRouteDefinition } from '../definitions/route-definition.js';
import { ApiCallError, type ApiClient } from './api-client.js';
import { collectYamlFiles } from './journey-files.js';

/** A friend-add route file. */
export const ROUTE_FILE = /(?:^|[\\/])routes[\\/][^\\/]+\.ya?ml$/;

/** The route files among the paths. */
export function routeFiles(paths: string[]): string[] {
  return collectYamlFiles(paths).filter((f) => ROUTE_FILE.test(f));
}

/** Publishes one route file; returns the progress line, or throws the local or API refusal. */
export async function publishRouteFile(api: ApiClient, file: string): Promise<string> {
  const source = readFileSync(file, 'utf8');
  const local = loadRouteDefinition(source, file);
  if (!local.ok) throw new Error(local.errors.map((e) => formatDefinitionError(e, source)).join('\n\n'));
  const { body } = await api.call<{ result: string; route: { routeId: string; url: string | null } }>(
    'POST',
    '/v1/routes',
    { json: { source, file } },
  );
  return `${file}: route ${body.route.routeId} ${body.result}${body.route.url ? ` (${body.route.url})` : ''}`;
}

/** Publishes every route file under `paths`; returns how many failed (each printed). */
export async function publishRoutes(api: ApiClient, paths: string[]): Promise<number> {
  let failed = 0;
  for (const file of routeFiles(paths)) {
    try {
      console.log(await publishRouteFile(api, file));
    } catch (err) {
      failed += 1;
      const details = err instanceof ApiCallError ? (err.details as { errors?: { formatted?: string }[] }) : null;
      const formatted = details?.errors?.map((e) => e.formatted).join('\n\n');
      console.error(`${file}: not published\n${formatted ?? (err as Error).message}`);
    }
  }
  return failed;
}

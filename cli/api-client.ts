/** The HTTP client of the operator commands: `KIZUNA_API_URL` (default http://127.0.0.1:3000) + `KIZUNA_API_KEY`. */

/** An API answer that is not a success, with the API's error code. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export interface ApiClient {
  call<T>(method: string, path: string, body?: { json?: unknown; yaml?: string }): Promise<{ status: number; body: T }>;
}

/** Builds the client from the environment; throws when no key is set. */
export function apiClientFromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
  const base = (env.KIZUNA_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const key = env.KIZUNA_API_KEY;
  if (!key) throw new Error('KIZUNA_API_KEY is not set (create one with `kizuna apikey create`).');
  return {
    async call<T>(method: string, path: string, body: { json?: unknown; yaml?: string } = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${key}` };
      let payload: string | undefined;
      if (body.yaml !== undefined) {
        headers['content-type'] = 'application/yaml';
        payload = body.yaml;
      } else if (body.json !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body.json);
      }
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { method, headers, body: payload });
      } catch (err) {
        throw new Error(`cannot reach the Kizuna API at ${base}: ${(err as Error).message}`);
      }
      const text = await res.text();
      const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
      if (!res.ok) {
        const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } }).error ?? {};
        throw new ApiCallError(res.status, error.code ?? 'HTTP_ERROR', error.message ?? res.statusText, error.details);
      }
      return { status: res.status, body: parsed as T };
    },
  };
}

/** Runs a command body, printing an API error as `CODE: message` and setting the exit code. */
export async function runCommand(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ApiCallError) console.error(`${err.code}: ${err.message}`);
    else console.error((err as Error).message);
    process.exitCode = 1;
  }
}

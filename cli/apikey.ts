/**
 * `kizuna apikey create|list|revoke`: works on the store directly (MONGODB_URI), since the first key
 * cannot come from an API that needs a key. The token is printed once; only its hash is kept.
 */
import type { Command } from 'commander';
import { API_SCOPES, createApiKey, listApiKeys, revokeApiKey, type ApiScope } from '../store/apikeys.js';
import { connectStore, type Store } from '../store/connection.js';
import { runCommand } from './api-client.js';

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await connectStore(process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/kizuna', { timeoutMs: 5_000 });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Parses `--scopes a,b` (or `all`); throws naming an unknown scope. */
export function parseScopes(text: string): ApiScope[] {
  if (text === 'all') return [...API_SCOPES];
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const scope of scopes) {
    if (!(API_SCOPES as readonly string[]).includes(scope)) {
      throw new Error(`unknown scope "${scope}"; scopes are ${API_SCOPES.join(', ')} (or "all")`);
    }
  }
  return scopes as ApiScope[];
}

/** Parses `--rate <perMinute>`: a whole number of requests a minute, 1 or more; throws otherwise. */
export function parseRate(text: string): number {
  const rate = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(rate) || rate < 1) {
    throw new Error(`--rate must be a whole number of requests a minute, 1 or more; got "${text}"`);
  }
  return rate;
}

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description('API keys (in MongoDB: MONGODB_URI)');
  apikey
    .command('create')
    .requiredOption('--scopes <list>', `comma-separated: ${API_SCOPES.join(', ')}, or "all"`)
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--rate <perMinute>', 'requests a minute (default: the server default)')
    .action((options: { scopes: string; name: string; rate?: string }) =>
      runCommand(() => {
        // Checked before the store is reached: a typo answers at once, and no key is created.
        const input = {
          name: options.name,
          scopes: parseScopes(options.scopes),
          rateLimitPerMinute: options.rate === undefined ? null : parseRate(options.rate),
        };
        return withStore(async (store) => {
          const key = await createApiKey(store.models, input);
          console.error(`created ${key.keyId} (${key.scopes.join(' ')}); the token is shown once:`);
          console.log(key.token);
        });
      }),
    );
  apikey.command('list').action(() =>
    runCommand(() =>
      withStore(async (store) => {
        for (const k of await listApiKeys(store.models)) {
          console.log(
            `${k.keyId}  ${k.prefix}…  ${k.revokedAt ? 'revoked' : 'active '}  ${k.scopes.join(',')}  ${k.name}`,
          );
        }
      }),
    ),
  );
  apikey
    .command('revoke')
    .argument('<keyId>')
    .action((keyId: string) =>
      runCommand(() =>
        withStore(async (store) => {
          if (!(await revokeApiKey(store.models, keyId))) throw new Error(`no key ${keyId}`);
          console.log(`revoked ${keyId}`);
        }),
      ),
    );
}

/**
 * How the worker and the API reach Temporal, from the environment they pass in: the address, an API
 * key (Temporal Cloud) or mTLS client certificates. One function for both, so the two processes cannot
 * disagree on how they connect.
 */
import { readFileSync } from 'node:fs';

/** TLS settings as both `Connection.connect` (client) and `NativeConnection.connect` (worker) take them. */
export type TemporalTls =
  | boolean
  | {
      clientCertPair: { crt: Buffer; key: Buffer };
      serverRootCACertificate?: Buffer;
      serverNameOverride?: string;
    };

/** Connection options shared by the client and the worker connection. */
export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: TemporalTls;
}

/**
 * Reads `TEMPORAL_ADDRESS` (default `127.0.0.1:7233`), then the first of: `TEMPORAL_API_KEY` (TLS on),
 * `TEMPORAL_TLS_CERT` + `TEMPORAL_TLS_KEY` (mTLS; `TEMPORAL_TLS_CA`, `TEMPORAL_TLS_SERVER_NAME`
 * optional), `TEMPORAL_TLS=true` (TLS without a client certificate). Throws when a named file cannot
 * be read.
 */
export function temporalConnectionOptions(env: NodeJS.ProcessEnv): TemporalConnectionOptions {
  const address = env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  if (env.TEMPORAL_API_KEY) return { address, apiKey: env.TEMPORAL_API_KEY, tls: true };
  if (env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY) {
    return {
      address,
      tls: {
        clientCertPair: { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) },
        ...(env.TEMPORAL_TLS_CA ? { serverRootCACertificate: readFileSync(env.TEMPORAL_TLS_CA) } : {}),
        ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
      },
    };
  }
  return { address, ...(env.TEMPORAL_TLS === 'true' ? { tls: true } : {}) };
}

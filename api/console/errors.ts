/** The console's failures: each becomes an HTML page with a status (never the API's JSON). */
import type { ApiScope } from '../../store/apikeys.js';

/** Why a console request was refused. */
export type ConsoleErrorCode = 'NOT_FOUND' | 'INSUFFICIENT_SCOPE' | 'CSRF_FAILED' | 'BAD_REQUEST';

/** Thrown by the console's handlers and pages; the router renders it in the layout. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: ConsoleErrorCode,
    message: string,
    /** The scope that was missing (INSUFFICIENT_SCOPE). */
    readonly scope?: ApiScope,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

/**
 * The period reports' part of the OpenAPI document (the stores report, and the query parameters it
 * shares with the routes report), merged into api/http/openapi-operations.ts.
 */
import type { Operation, Parameter } from '../http/openapi-operations.js';

const day = {
  description: 'A date (2026-04-01) or a date-time with its offset.',
  anyOf: [
    { type: 'string', format: 'date' },
    { type: 'string', format: 'date-time' },
  ],
};

/** `from`, `to` and `days` of the routes and stores reports (api/reports/period.ts). */
export const PERIOD_PARAMETERS: Parameter[] = [
  { name: 'from', in: 'query', description: 'Default: 30 days before `to`; before `to`.', schema: day },
  { name: 'to', in: 'query', description: 'Default: now; at most 366 days after `from`.', schema: day },
  {
    name: 'days',
    in: 'query',
    description: 'Orders and conversions within this many days of arriving.',
    schema: { type: 'integer', minimum: 1, maximum: 365, default: 30 },
  },
];

/** The stores report's operation, in the shape of api/http/openapi-operations.ts. */
export const REPORT_OPERATIONS: Record<string, Record<string, Operation>> = {
  '/v1/reports/stores': {
    get: {
      operationId: 'getStoresReport',
      summary:
        'Per store: visits, arrivals, friends added, customers, orders, revenue, conversions, and treated vs holdout per journey (?from&to&days)',
      scope: 'journeys:read',
      parameters: PERIOD_PARAMETERS,
      ok: { status: [200], schema: 'StoresReport', description: 'The report.' },
      errors: { 400: ['VALIDATION_FAILED'] },
    },
  },
};

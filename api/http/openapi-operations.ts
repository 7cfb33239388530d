/**
 * Every operation the API serves, as the OpenAPI document (api/http/openapi.ts) states it and as the
 * method guard (api/http/methods.ts) enforces it: a path not listed here for a method answers 405.
 */
import { JOURNEY_ID } from '../../definitions/patterns.js';
import type { ApiScope } from '../../store/apikeys.js';
import { ID_PATTERN } from './schemas.js';
import { BREAKDOWN_FIELDS } from '../../store/journal-breakdowns.js';
import { REPORT_OPERATIONS } from '../reports/openapi.js';
import { ROUTE_OPERATIONS } from '../routes/openapi.js';

/** A path or query parameter. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: Record<string, unknown>;
}

/** One method of one path. */
export interface Operation {
  operationId: string;
  summary: string;
  /** Absent: no API key (signature or public). */
  scope?: ApiScope;
  parameters?: Parameter[];
  /** The request body: a component schema name, and media types besides application/json. */
  body?: { schema: string; description?: string; yaml?: boolean };
  /** Success statuses and the component schema of their body (JSON unless `mediaType` says otherwise). */
  ok: { status: number[]; schema: string; description: string; mediaType?: string };
  /** Error statuses this operation answers, with their codes (beyond the ones every body or key adds). */
  errors: Record<number, string[]>;
  /** Other answers whose body is not the error shape: status -> component schema. */
  others?: Record<number, string>;
}

const customerId: Parameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The customer id: 1-200 characters, no whitespace, not starting with "$".',
  schema: { type: 'string', pattern: ID_PATTERN.source },
};
const journeyId: Parameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The journey id (lowercase letters, digits and -).',
  schema: { type: 'string', pattern: JOURNEY_ID.source, maxLength: 200 },
};
const version: Parameter = {
  name: 'version',
  in: 'query',
  description: 'A published version; default: the current one.',
  schema: { type: 'integer', minimum: 1, maximum: 999_999_999 },
};

const journeyControl = (action: 'pause' | 'resume' | 'archive'): Record<string, Operation> => ({
  post: {
    operationId: `${action}Journey`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a journey`,
    scope: 'journeys:publish',
    parameters: [journeyId],
    ok: { status: [200], schema: 'JourneyHead', description: 'The head after the change.' },
    errors: { 404: ['JOURNEY_NOT_FOUND'], 409: ['JOURNEY_ARCHIVED'] },
  },
});

/** The operations, by path (OpenAPI `{param}` syntax) and method. */
export const OPERATIONS: Record<string, Record<string, Operation>> = {
  ...ROUTE_OPERATIONS,
  ...REPORT_OPERATIONS,
  '/v1/events': {
    post: {
      operationId: 'postEvent',
      summary: 'Store one customer event and route it to the journeys listening to it',
      scope: 'events:write',
      body: { schema: 'EventInput' },
      ok: {
        status: [201, 200, 202],
        schema: 'EventResult',
        description:
          '201 stored and routed; 200 a repeated idempotency key (the first result in `first`); 202 stored, routing pending (the outbox finishes it).',
      },
      errors: {
        400: [
          'FORBIDDEN_PROPERTY_KEY',
          'FORBIDDEN_PROPERTY_VALUE',
          'PROPERTIES_TOO_LARGE',
          'UNKNOWN_PROFILE_FIELD',
          'SYSTEM_FIELD',
          'PROFILE_FIELD_TYPE',
          'INVALID_EMAIL',
        ],
        403: ['INSUFFICIENT_SCOPE'],
        409: ['IDEMPOTENCY_KEY_REUSED', 'RESUBSCRIBE_NEEDS_OPT_IN', 'LINE_USER_ID_TAKEN'],
        422: ['RESERVED_SOURCE'],
      },
    },
  },
  '/v1/events/batch': {
    post: {
      operationId: 'postEventBatch',
      summary: 'Store up to 1,000 events; one result per event, in order',
      scope: 'events:write',
      body: { schema: 'EventBatchInput' },
      ok: { status: [200], schema: 'EventBatchResult', description: 'One result per event, in order.' },
      errors: { 400: ['BATCH_TOO_LARGE'] },
    },
  },
  '/v1/customers/{id}': {
    put: {
      operationId: 'putCustomer',
      summary: 'Create or update a customer profile',
      scope: 'customers:write',
      parameters: [customerId],
      body: { schema: 'CustomerInput' },
      ok: { status: [200, 201], schema: 'CustomerWritten', description: '201 created, 200 updated.' },
      errors: {
        400: ['UNKNOWN_PROFILE_FIELD', 'SYSTEM_FIELD', 'PROFILE_FIELD_TYPE', 'INVALID_EMAIL'],
        409: ['RESUBSCRIBE_NEEDS_OPT_IN', 'LINE_USER_ID_TAKEN'],
      },
    },
    get: {
      operationId: 'getCustomer',
      summary: 'Read a customer profile',
      scope: 'customers:read',
      parameters: [customerId],
      ok: { status: [200], schema: 'CustomerRead', description: 'The profile.' },
      errors: { 400: ['VALIDATION_FAILED'], 404: ['CUSTOMER_NOT_FOUND'] },
    },
    delete: {
      operationId: 'eraseCustomer',
      summary: "Erase a customer: journeys ended, events, journal and delivery rows' personal data, profile",
      scope: 'customers:write',
      parameters: [customerId],
      ok: { status: [200], schema: 'CustomerErased', description: 'What was removed or pseudonymised.' },
      errors: { 400: ['VALIDATION_FAILED'] },
    },
  },
  '/v1/journeys': {
    post: {
      operationId: 'publishJourney',
      summary: 'Publish a journey (YAML body, or a JSON bundle of journey + templates)',
      scope: 'journeys:publish',
      body: {
        schema: 'JourneyBundle',
        yaml: true,
        description:
          'The journey must be valid YAML that compiles against the server catalog (docs/language.md); otherwise 422 INVALID_DEFINITION with every error and its position.',
      },
      ok: { status: [201, 200], schema: 'JourneyPublished', description: '201 a new version; 200 unchanged.' },
      errors: { 422: ['INVALID_DEFINITION'] },
    },
    get: {
      operationId: 'listJourneys',
      summary: 'List journeys',
      scope: 'journeys:read',
      ok: { status: [200], schema: 'JourneyList', description: 'Every journey head.' },
      errors: {},
    },
  },
  '/v1/journeys/{id}': {
    get: {
      operationId: 'getJourney',
      summary: 'A journey: head, versions, plan, Mermaid and SVG graph',
      scope: 'journeys:read',
      parameters: [journeyId, version],
      ok: { status: [200], schema: 'JourneyDetail', description: 'The journey.' },
      errors: { 400: ['VALIDATION_FAILED'], 404: ['JOURNEY_NOT_FOUND', 'JOURNEY_VERSION_NOT_FOUND'] },
    },
  },
  '/v1/journeys/{id}/pause': journeyControl('pause'),
  '/v1/journeys/{id}/resume': journeyControl('resume'),
  '/v1/journeys/{id}/archive': journeyControl('archive'),
  '/v1/journeys/{id}/entries': {
    post: {
      operationId: 'enterCustomers',
      summary: 'Enter up to 1,000 customers into an API-entry journey',
      scope: 'journeys:publish',
      parameters: [journeyId],
      body: { schema: 'EntriesInput' },
      ok: { status: [200], schema: 'EntriesResult', description: 'One answer per customer.' },
      errors: {
        400: ['FORBIDDEN_PROPERTY_KEY', 'FORBIDDEN_PROPERTY_VALUE', 'PROPERTIES_TOO_LARGE'],
        404: ['JOURNEY_NOT_FOUND'],
        409: ['NOT_AN_API_ENTRY'],
      },
    },
  },
  '/v1/journeys/{id}/stats': {
    get: {
      operationId: 'journeyStats',
      summary: 'Per-step funnel of a version, treated vs holdout conversion and uplift',
      scope: 'journeys:read',
      parameters: [
        journeyId,
        version,
        {
          name: 'recount',
          in: 'query',
          description: 'true rebuilds the counters from the journal (slow).',
          schema: { type: 'boolean' },
        },
        {
          name: 'by',
          in: 'query',
          description: 'A profile field: the same figures per value of it, as the customer had it at entry.',
          schema: { type: 'string', enum: [...BREAKDOWN_FIELDS] },
        },
      ],
      ok: { status: [200], schema: 'JourneyStats', description: 'The figures.' },
      errors: { 400: ['VALIDATION_FAILED'], 404: ['JOURNEY_NOT_FOUND', 'JOURNEY_VERSION_NOT_FOUND'] },
    },
  },
  '/v1/customers/{id}/timeline': {
    get: {
      operationId: 'customerTimeline',
      summary: "A customer's events, journey steps, messages, consent and route changes, newest first",
      scope: 'customers:read',
      parameters: [
        customerId,
        {
          name: 'before',
          in: 'query',
          description:
            'An ISO 8601 time (items strictly older), or the opaque `next` cursor of the previous page (which only the server makes).',
          schema: { type: 'string', format: 'date-time' },
        },
        {
          name: 'limit',
          in: 'query',
          description: 'Items per page.',
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
      ],
      ok: { status: [200], schema: 'TimelinePage', description: 'One page; `next` resumes after it.' },
      errors: { 400: ['VALIDATION_FAILED'], 404: ['CUSTOMER_NOT_FOUND'] },
    },
  },
  '/v1/reports/answers/{journeyId}': {
    get: {
      operationId: 'answersReport',
      summary:
        "Survey answers (postback data) a journey's wait_for steps received, per question and answer, by route, with purchases after answering",
      scope: 'journeys:read',
      parameters: [
        { ...journeyId, name: 'journeyId' },
        {
          name: 'days',
          in: 'query',
          description: 'Purchases count within this many days after an answer.',
          schema: { type: 'integer', minimum: 1, maximum: 365, default: 30 },
        },
      ],
      ok: { status: [200], schema: 'AnswersReport', description: 'The tally.' },
      errors: { 400: ['VALIDATION_FAILED'], 404: ['JOURNEY_NOT_FOUND'] },
    },
  },
  '/v1/reports/line-budget': {
    get: {
      operationId: 'lineBudgetReport',
      summary:
        "This month's LINE messages: the workspace budget (line_budget), Kizuna's count, LINE's quota and consumption",
      scope: 'journeys:read',
      ok: { status: [200], schema: 'LineBudgetReport', description: 'The month so far.' },
      errors: { 404: ['LINE_BUDGET_NOT_CONFIGURED'] },
    },
  },
  '/webhooks/line': {
    post: {
      operationId: 'lineWebhook',
      summary: 'LINE webhook; events of kinds Kizuna does not use are ignored',
      parameters: [
        {
          name: 'x-line-signature',
          in: 'header',
          required: true,
          description: 'Base64 of the HMAC-SHA256 of the raw body with the channel secret.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
        },
      ],
      body: { schema: 'LineWebhookBody' },
      ok: { status: [200], schema: 'WebhookReceived', description: 'How many new events were stored.' },
      errors: { 400: ['INVALID_JSON', 'VALIDATION_FAILED'], 401: ['INVALID_SIGNATURE'], 503: ['LINE_NOT_CONFIGURED'] },
    },
  },
  '/healthz': {
    get: {
      operationId: 'healthz',
      summary: 'Liveness: 200 while the process runs',
      ok: { status: [200], schema: 'Health', description: 'Alive.' },
      errors: {},
    },
  },
  '/readyz': {
    get: {
      operationId: 'readyz',
      summary: 'Readiness: 200 when every dependency answers, else 503',
      ok: { status: [200], schema: 'Readiness', description: 'Every dependency answers.' },
      errors: {},
      others: { 503: 'Readiness' },
    },
  },
};

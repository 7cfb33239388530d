/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests (api/http/schemas.ts),
 * served at `/openapi.json`, and a readable reference page at `/docs`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { API_SCOPES } from '../../store/apikeys.js';
import {
  customerInput,
  entriesInput,
  errorBody,
  eventBatchInput,
  eventInput,
  eventResult,
  journeyBundle,
} from './schemas.js';
import { answersReport, journeyStats, timelinePage } from './report-schemas.js';

type Operation = {
  summary: string;
  scope?: (typeof API_SCOPES)[number];
  body?: { schema: string; type?: string };
  ok: { status: number; schema?: string; description: string };
  errors: string[];
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const OPERATIONS: Record<string, Record<string, Operation>> = {
  '/v1/events': {
    post: {
      summary: 'Store one customer event and route it to the journeys listening to it',
      scope: 'events:write',
      body: { schema: 'EventInput' },
      ok: { status: 201, schema: 'EventResult', description: 'Stored and routed (200 for a duplicate key)' },
      errors: [
        'VALIDATION_FAILED',
        'FORBIDDEN_PROPERTY_KEY',
        'PROPERTIES_TOO_LARGE',
        'UNKNOWN_PROFILE_FIELD',
        'DEPENDENCY_UNAVAILABLE',
      ],
    },
  },
  '/v1/events/batch': {
    post: {
      summary: 'Store up to 1,000 events; one result per event, in order',
      scope: 'events:write',
      body: { schema: 'EventBatchInput' },
      ok: { status: 200, description: '{ results: [...] }, each an EventResult or { index, error }' },
      errors: ['BATCH_TOO_LARGE', 'VALIDATION_FAILED', 'DEPENDENCY_UNAVAILABLE'],
    },
  },
  '/v1/customers/{id}': {
    put: {
      summary: 'Create or update a customer profile',
      scope: 'customers:write',
      body: { schema: 'CustomerInput' },
      ok: { status: 200, description: '{ customer, created } (201 when created)' },
      errors: ['UNKNOWN_PROFILE_FIELD', 'SYSTEM_FIELD', 'PROFILE_FIELD_TYPE'],
    },
    get: {
      summary: 'Read a customer profile',
      scope: 'customers:read',
      ok: { status: 200, description: '{ customer }' },
      errors: ['CUSTOMER_NOT_FOUND'],
    },
    delete: {
      summary: "Erase a customer: journeys ended, events, journal and delivery rows' personal data, profile",
      scope: 'customers:write',
      ok: { status: 200, description: '{ customerId, erased: { journeys, events, ..., profile } }' },
      errors: ['DEPENDENCY_UNAVAILABLE'],
    },
  },
  '/v1/customers/{id}/timeline': {
    get: {
      summary:
        "A customer's events, journey steps, messages, consent and route changes, newest first (?before=<next cursor or ISO time>&limit=1..200, default 50)",
      scope: 'customers:read',
      ok: { status: 200, schema: 'TimelinePage', description: 'one page; `next` resumes after it' },
      errors: ['CUSTOMER_NOT_FOUND', 'VALIDATION_FAILED'],
    },
  },
  '/v1/journeys': {
    post: {
      summary: 'Publish a journey (YAML body, or a JSON bundle of journey + templates)',
      scope: 'journeys:publish',
      body: { schema: 'JourneyBundle' },
      ok: { status: 201, description: '{ journeyId, version, created } (200 when unchanged)' },
      errors: ['INVALID_DEFINITION'],
    },
    get: {
      summary: 'List journeys',
      scope: 'journeys:read',
      ok: { status: 200, description: '{ journeys }' },
      errors: [],
    },
  },
  '/v1/journeys/{id}': {
    get: {
      summary: 'A journey: head, versions, plan, Mermaid and SVG graph (?version=N)',
      scope: 'journeys:read',
      ok: { status: 200, description: 'the journey' },
      errors: ['JOURNEY_NOT_FOUND', 'JOURNEY_VERSION_NOT_FOUND'],
    },
  },
  ...Object.fromEntries(
    (['pause', 'resume', 'archive'] as const).map((action) => [
      `/v1/journeys/{id}/${action}`,
      {
        post: {
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a journey`,
          scope: 'journeys:publish' as const,
          ok: { status: 200, description: 'the head after the change' },
          errors: ['JOURNEY_NOT_FOUND', 'JOURNEY_ARCHIVED'],
        },
      },
    ]),
  ),
  '/v1/journeys/{id}/entries': {
    post: {
      summary: 'Enter up to 1,000 customers into an API-entry journey',
      scope: 'journeys:publish',
      body: { schema: 'EntriesInput' },
      ok: {
        status: 200,
        description:
          '{ results: [{ customerId, result, reason? }] }; result: entered, already-in-journey, denied (reason: reentry), journey-inactive, unknown-customer',
      },
      errors: ['NOT_AN_API_ENTRY', 'JOURNEY_NOT_FOUND'],
    },
  },
  '/v1/journeys/{id}/stats': {
    get: {
      summary:
        'Per-step funnel of a version, treated vs holdout conversion and uplift (?version=N; ?by=<profile field> adds the figures per value; ?recount=true rebuilds the counters from the journal)',
      scope: 'journeys:read',
      ok: { status: 200, schema: 'JourneyStats', description: 'the figures' },
      errors: ['JOURNEY_NOT_FOUND', 'VALIDATION_FAILED'],
    },
  },
  '/v1/reports/answers/{journeyId}': {
    get: {
      summary:
        "Survey answers (postback data) a journey's wait_for steps received, per question and answer, by route, with purchases within ?days=N (default 30) after answering",
      scope: 'journeys:read',
      ok: { status: 200, schema: 'AnswersReport', description: 'the tally' },
      errors: ['JOURNEY_NOT_FOUND', 'VALIDATION_FAILED'],
    },
  },
  '/webhooks/line': {
    post: {
      summary: 'LINE webhook (x-line-signature over the raw body)',
      ok: { status: 200, description: '{ received }' },
      errors: ['INVALID_SIGNATURE', 'LINE_NOT_CONFIGURED'],
    },
  },
};

/** Builds the OpenAPI 3.1 document. */
export function buildOpenApi(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const schema of [
    eventInput,
    eventBatchInput,
    eventResult,
    customerInput,
    journeyBundle,
    entriesInput,
    errorBody,
    timelinePage,
    journeyStats,
    answersReport,
  ]) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as {
      $defs?: Record<string, unknown>;
    };
    Object.assign(schemas, json.$defs ?? {});
  }
  const paths: Record<string, unknown> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[path] = Object.fromEntries(Object.entries(methods).map(([method, op]) => [method, toOperation(path, op)]));
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kizuna API', version: '1', description: 'Customer events, profiles and journeys.' },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `Scopes: ${API_SCOPES.join(', ')}` } },
    },
    paths,
  };
}

function toOperation(path: string, op: Operation) {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  return {
    summary: op.summary,
    ...(op.scope ? { security: [{ bearer: [] }], 'x-scope': op.scope } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body.schema) } } } }
      : {}),
    responses: {
      [op.ok.status]: {
        description: op.ok.description,
        ...(op.ok.schema ? { content: { 'application/json': { schema: ref(op.ok.schema) } } } : {}),
      },
      default: {
        description: `Error; codes: ${[...op.errors, ...(op.scope ? ['UNAUTHENTICATED', 'INSUFFICIENT_SCOPE', 'RATE_LIMITED'] : [])].join(', ')}`,
        content: { 'application/json': { schema: ref('Error') } },
      },
    },
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain HTML reference page of the same operations. */
export function renderReference(doc = buildOpenApi()): string {
  const rows = Object.entries(OPERATIONS).flatMap(([path, methods]) =>
    Object.entries(methods).map(
      ([method, op]) =>
        `<tr><td><code>${method.toUpperCase()} ${escape(path)}</code></td><td>${escape(op.summary)}</td>` +
        `<td>${op.scope ?? 'signature'}</td><td>${op.ok.status}</td><td>${op.errors.map(escape).join(', ')}</td></tr>`,
    ),
  );
  const schemas = Object.entries((doc.components as { schemas: Record<string, unknown> }).schemas).map(
    ([name, schema]) => `<h3 id="${name}">${name}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kizuna API reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}td,th{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}pre{background:#f6f6f6;padding:.6rem;overflow:auto}</style>
</head><body><h1>Kizuna API</h1><p>Bearer API keys with scopes; errors are <code>{ "error": { "code", "message", "details" } }</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><tr><th>operation</th><th>what</th><th>scope</th><th>ok</th><th>error codes</th></tr>${rows.join('')}</table>
<h2>Schemas</h2>${schemas.join('')}</body></html>`;
}

export function openApiRouter(): Router {
  const router = Router();
  const doc = buildOpenApi();
  const page = renderReference(doc);
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}

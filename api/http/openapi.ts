/**
 * The OpenAPI 3.1 document, served at `/openapi.json`, and a readable reference page at `/docs`.
 * Request and response schemas are generated from the zod schemas the server validates with
 * (api/http/schemas.ts, api/http/response-schemas.ts) and from the declared profile fields
 * (api/http/profile-schema.ts), so the document cannot drift from what the server does.
 */
import { Router } from 'express';
import { z } from 'zod';
import { API_SCOPES } from '../../store/apikeys.js';
import type { ProfileFieldTypes } from '../customers/profile-input.js';
import { OPERATIONS, type Operation } from './openapi-operations.js';
import { profileInputSchema } from './profile-schema.js';
import { RESPONSE_SCHEMAS } from './response-schemas.js';
import { answersReport, lineBudgetReport, storesReport, timelinePage } from './report-schemas.js';
import { ROUTE_INPUT_SCHEMAS, ROUTE_OUTPUT_SCHEMAS } from '../routes/openapi.js';
import {
  entriesInput,
  errorBody,
  eventBatchInput,
  eventInput,
  eventResult,
  journeyBundle,
  lineWebhookBody,
} from './schemas.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Statuses and codes every operation with a key, or with a JSON body, may answer. */
const KEY_ERRORS: Record<number, string[]> = {
  401: ['UNAUTHENTICATED', 'API_KEY_REVOKED'],
  403: ['INSUFFICIENT_SCOPE'],
  429: ['RATE_LIMITED'],
  503: ['DEPENDENCY_UNAVAILABLE'],
};
const BODY_ERRORS: Record<number, string[]> = {
  400: ['INVALID_JSON', 'INVALID_UTF8', 'FORBIDDEN_CHARACTER', 'VALIDATION_FAILED'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
};
const REASONS: Record<number, string> = {
  400: 'Bad request',
  401: 'No valid credentials',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Unsupported media type or charset',
  422: 'Invalid definition',
  429: 'Too many requests (Retry-After)',
  503: 'A dependency is unavailable (Retry-After)',
};

/** The component schemas: every request and response shape. */
function componentSchemas(profileFields: ProfileFieldTypes): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const add = (schema: z.ZodType, io: 'input' | 'output') => {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as {
      $defs?: Record<string, unknown>;
    };
    // \d is ASCII in JavaScript but any Unicode digit in other engines (Python's): spelled out as [0-9].
    const text = JSON.stringify(json.$defs ?? {})
      .replaceAll('#/$defs/', '#/components/schemas/')
      .replaceAll('\\\\d', '[0-9]');
    Object.assign(schemas, JSON.parse(text));
  };
  for (const schema of [
    eventInput,
    eventBatchInput,
    journeyBundle,
    entriesInput,
    lineWebhookBody,
    ...ROUTE_INPUT_SCHEMAS,
  ])
    add(schema, 'input');
  add(profileInputSchema(profileFields), 'input');
  for (const schema of [
    eventResult,
    errorBody,
    ...RESPONSE_SCHEMAS,
    ...ROUTE_OUTPUT_SCHEMAS,
    timelinePage,
    answersReport,
    storesReport,
    lineBudgetReport,
  ])
    add(schema, 'output');
  schemas.Svg = { type: 'string', description: 'An SVG image.' };
  // An event's inline profile is a patch of the same fields as PUT /v1/customers/:id.
  const event = schemas.EventInput as { properties: Record<string, unknown> };
  event.properties.profile = { ...ref('CustomerInput'), description: 'Applied before routing.' };
  return schemas;
}

/** Builds the OpenAPI 3.1 document for the declared profile fields. */
export function buildOpenApi(profileFields: ProfileFieldTypes = new Map()): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    paths[path] = Object.fromEntries(Object.entries(methods).map(([method, op]) => [method, toOperation(op)]));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kizuna API',
      version: '1',
      description:
        'Customer events, profiles and journeys. Bodies are UTF-8 JSON; no key or string may hold NUL or a lone surrogate. ' +
        'Errors are { error: { code, message, details } }; a method a path does not have answers 405 with Allow.',
    },
    components: {
      schemas: componentSchemas(profileFields),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `Scopes: ${API_SCOPES.join(', ')}` } },
    },
    paths,
  };
}

function errorResponses(op: Operation): Record<number, string[]> {
  const all: Record<number, string[]> = {};
  const merge = (more: Record<number, string[]>) => {
    for (const [status, codes] of Object.entries(more))
      all[Number(status)] = [...(all[Number(status)] ?? []), ...codes];
  };
  if (op.scope) merge(KEY_ERRORS);
  if (op.body) merge(BODY_ERRORS);
  merge(op.errors);
  return all;
}

function toOperation(op: Operation) {
  const json = { schema: ref(op.body?.schema ?? '') };
  const content = op.body?.yaml
    ? { 'application/json': json, 'application/yaml': { schema: { type: 'string' } } }
    : { 'application/json': json };
  const responses: Record<string, unknown> = {};
  for (const status of op.ok.status) {
    responses[status] = {
      description: op.ok.description,
      content: { [op.ok.mediaType ?? 'application/json']: { schema: ref(op.ok.schema) } },
    };
  }
  for (const [status, codes] of Object.entries(errorResponses(op))) {
    const unique = [...new Set(codes)];
    responses[status] = {
      description: `${REASONS[Number(status)] ?? 'Error'}${unique.length > 0 ? `; codes: ${unique.join(', ')}` : ''}`,
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  for (const [status, schema] of Object.entries(op.others ?? {})) {
    responses[status] = {
      description: REASONS[Number(status)] ?? 'Answer',
      content: { 'application/json': { schema: ref(schema) } },
    };
  }
  responses.default = {
    description: 'Unexpected error (500 INTERNAL)',
    content: { 'application/json': { schema: ref('Error') } },
  };
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.scope ? { security: [{ bearer: [] }], 'x-scope': op.scope } : {}),
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.body ? { requestBody: { required: true, description: op.body.description, content } } : {}),
    responses,
  };
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain HTML reference page of the same operations. */
export function renderReference(doc = buildOpenApi()): string {
  const rows = Object.entries(OPERATIONS).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const codes = Object.entries(errorResponses(op)).map(
        ([status, list]) => `${status} ${[...new Set(list)].join(' ')}`,
      );
      return (
        `<tr><td><code>${method.toUpperCase()} ${escape(path)}</code></td><td>${escape(op.summary)}</td>` +
        `<td>${op.scope ?? (path.startsWith('/webhooks') ? 'signature' : 'none')}</td><td>${op.ok.status.join(', ')}</td><td>${codes.map(escape).join('<br>')}</td></tr>`
      );
    }),
  );
  const schemas = Object.entries((doc.components as { schemas: Record<string, unknown> }).schemas).map(
    ([name, schema]) => `<h3 id="${name}">${name}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kizuna API reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}td,th{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}pre{background:#f6f6f6;padding:.6rem;overflow:auto}</style>
</head><body><h1>Kizuna API</h1><p>Bearer API keys with scopes; errors are <code>{ "error": { "code", "message", "details" } }</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><tr><th>operation</th><th>what</th><th>scope</th><th>ok</th><th>errors</th></tr>${rows.join('')}</table>
<h2>Schemas</h2>${schemas.join('')}</body></html>`;
}

/** Serves `/openapi.json` and `/docs` for the declared profile fields. */
export function openApiRouter(profileFields: ProfileFieldTypes): Router {
  const router = Router();
  const doc = buildOpenApi(profileFields);
  const page = renderReference(doc);
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}

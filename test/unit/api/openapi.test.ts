import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfileFieldTypes, toProfilePatch } from '../../../api/customers/profile-input.js';
import { buildOpenApi } from '../../../api/http/openapi.js';
import { profileInputSchema } from '../../../api/http/profile-schema.js';
import { checkProperties } from '../../../api/http/validate.js';
import { ID_PATTERN, PROPERTY_KEY, propertyBag } from '../../../api/http/schemas.js';
import { projectRoot } from '../../../scripts/servers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fields = loadProfileFieldTypes(join(projectRoot, 'definitions', 'profile-fields.yaml'));
const doc = buildOpenApi(fields) as Json;
const schemas = doc.components.schemas as Json;
const operations = Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
  Object.entries(methods as Json).map(([method, op]) => ({ label: `${method.toUpperCase()} ${path}`, op: op as Json })),
);

describe('the OpenAPI document', () => {
  it('describes the body of every success response with a schema it defines', () => {
    for (const { label, op } of operations) {
      const ok = Object.entries(op.responses as Json).filter(([status]) => status.startsWith('2'));
      expect(ok.length, label).toBeGreaterThan(0);
      for (const [status, response] of ok) {
        const content: Json = (response as Json).content ?? {};
        const [media] = Object.values<Json>(content);
        const ref = media?.schema?.$ref as string | undefined;
        expect(ref, `${label} ${status}`).toMatch(/^#\/components\/schemas\//);
        expect(schemas[ref!.split('/').pop()!], `${label} ${status}`).toBeDefined();
      }
    }
  });

  it('resolves every $ref it holds', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const name of refs) expect(schemas[name], name).toBeDefined();
  });

  it('states the customer id rule the server enforces on the path', () => {
    const get = operations.find((o) => o.label === 'GET /v1/customers/{id}')!.op;
    const pattern = new RegExp(get.parameters[0].schema.pattern as string, 'u');
    expect(pattern.source).toBe(ID_PATTERN.source);
    for (const id of ['cust-1', 'hanako@example.jp', '山田']) expect(pattern.test(id), id).toBe(true);
    for (const id of ['', 'a b', '$where', 'a\u3000b', 'x'.repeat(201)]) expect(pattern.test(id), id).toBe(false);
  });

  it('states the property key rules and refuses arrays inside arrays, as the server does', () => {
    const props = schemas.EventInput.properties.properties as Json;
    expect(props.propertyNames.pattern).toBe(PROPERTY_KEY.source);
    const bags: [unknown, boolean][] = [
      [{ a: 1, b: { c: [1, { d: null }] } }, true],
      [{ $where: 1 }, false],
      [{ 'a.b': 1 }, false],
      [{ a: { '': 1 } }, false],
      [{ a: [[1]] }, false],
      [{ a: [{ b: [[]] }] }, false],
      [{ 'a\u0000b': 1 }, false],
      [{ a: { ['k'.repeat(201)]: 1 } }, false],
      [{ ['k'.repeat(200)]: 1 }, true],
    ];
    for (const [bag, ok] of bags) {
      expect(propertyBag.safeParse(bag).success, JSON.stringify(bag)).toBe(ok);
      expect(checkProperties(bag, 'properties') === null, JSON.stringify(bag)).toBe(ok);
    }
  });

  it('lists exactly the writable declared profile fields, and no others', () => {
    const input = schemas.CustomerInput as Json;
    expect(input.additionalProperties).toBe(false);
    const declared = [...fields.keys()].filter((f) => !['customerId', 'createdAt', 'updatedAt'].includes(f)).sort();
    expect(Object.keys(input.properties as Json).sort()).toEqual(declared);
    expect(JSON.stringify(input.properties.consent)).toContain(
      '"enum":["subscribed","unsubscribed","bounced","unknown"]',
    );
    expect(schemas.EventInput.properties.profile.$ref).toBe('#/components/schemas/CustomerInput');
  });

  it("accepts exactly the profiles the server accepts (the schema is the server's rule, not a guess)", () => {
    const schema = profileInputSchema(fields);
    const samples: Record<string, unknown>[] = [
      { lastName: '山田', totalSpent: 1200, lineFollowing: true, tags: ['vip'] },
      { birthday: '0004-02-29', renewalDate: '2026-04-01T10:00', lastOrderAt: '2026-04-01T10:00:00.5+09:00' },
      { timezone: 'America/New_York', consent: { email: 'unsubscribed', line: 'blocked' }, ownedProducts: ['a', 1] },
      { email: null, tags: [] },
      { consent: null },
      { email: 'a, b@example.jp' },
      { email: 'hanako@example.jp\r\nBcc: x@example.jp' },
      { email: "o'hara+news@mail.example.jp", consent: { email: 'subscribed', optIn: { source: 'form' } } },
      { consent: { email: 'unsubscribed', optIn: { source: 'form' } } },
      { favouriteColour: 'red' },
      { customerId: 'x' },
      { birthday: '2026-02-30' },
      { birthday: '1900-02-29' },
      { totalSpent: '12' },
      { tags: [''] },
      { consent: { email: 'maybe' } },
      { consent: { sms: 'subscribed' } },
      { ownedProducts: [['a']] },
      { timezone: 'Mars/Olympus' },
    ];
    for (const sample of samples) {
      const server = (() => {
        try {
          toProfilePatch(sample, fields);
          return true;
        } catch {
          return false;
        }
      })();
      expect(schema.safeParse(sample).success, JSON.stringify(sample)).toBe(server);
    }
  });

  it('declares the statuses the API answers besides success', () => {
    const post = operations.find((o) => o.label === 'POST /v1/events')!.op.responses as Json;
    expect(Object.keys(post)).toEqual(expect.arrayContaining(['400', '401', '403', '409', '413', '415', '429', '503']));
    expect(post['415'].description).toContain('UNSUPPORTED_MEDIA_TYPE');
    expect(post['409'].description).toContain('IDEMPOTENCY_KEY_REUSED');
  });
});

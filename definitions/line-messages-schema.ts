/**
 * The JSON Schema of LINE message objects, generated from the same rule tables the checks use, so
 * editors complete flex components, actions and keywords. Limits on text go into descriptions only:
 * a Liquid source may be longer than what it renders, and `kizuna validate` checks the render.
 */
import { LINE_MESSAGE_RULE } from './line-messages.js';
import type { ObjectSpec, Rule, TextUnit } from './line-messages-rules.js';

type JsonSchema = Record<string, unknown>;

const LENGTH_PATTERNS = { px: '\\d+(\\.\\d+)?px$', '%': '\\d+(\\.\\d+)?%$' } as const;

/** Builds `$defs` for every object kind reachable from the message rule, one per spec. */
class SchemaBuilder {
  readonly defs: Record<string, JsonSchema> = {};
  private readonly ids = new Map<ObjectSpec, string>();

  ref(spec: ObjectSpec, typeName?: string): JsonSchema {
    let id = this.ids.get(spec);
    if (id === undefined) {
      id = this.newId(spec.name);
      this.ids.set(spec, id);
      this.defs[id] = {};
      const schema = this.object(spec, typeName);
      this.defs[id] = schema;
      id = this.sameAs(id, schema) ?? id;
      this.ids.set(spec, id);
    }
    return { $ref: `#/$defs/${id}` };
  }

  /** An earlier def with the same content (an action used in places with the same label rule). */
  private sameAs(id: string, schema: JsonSchema): string | undefined {
    const text = JSON.stringify(schema);
    if (text.includes(`"#/$defs/${id}"`)) return undefined;
    const base = id.replace(/\d+$/, '');
    for (const [other, def] of Object.entries(this.defs)) {
      if (other === id || other.replace(/\d+$/, '') !== base || JSON.stringify(def) !== text) continue;
      Reflect.deleteProperty(this.defs, id);
      return other;
    }
    return undefined;
  }

  private newId(name: string): string {
    const base = name
      .replace(/^(a|an) /, '')
      .split(/[^A-Za-z0-9]+/)
      .map((w) => (w === 'URI' ? w : w.charAt(0).toUpperCase() + w.slice(1)))
      .join('');
    let id = base;
    for (let n = 2; Object.hasOwn(this.defs, id); n++) id = `${base}${n}`;
    return id;
  }

  private object(spec: ObjectSpec, typeName?: string): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    if (typeName !== undefined) properties['type'] = { const: typeName, description: `"${typeName}"` };
    for (const [key, rule] of Object.entries(spec.props)) properties[key] = this.rule(rule);
    const required = [...(typeName === undefined ? [] : ['type']), ...(spec.required ?? [])];
    return {
      title: spec.name.replace(/^(a|an) /, ''),
      type: 'object',
      properties,
      ...(required.length > 0 ? { required: [...new Set(required)] } : {}),
      additionalProperties: false,
    };
  }

  rule(rule: Rule): JsonSchema {
    switch (rule.kind) {
      case 'string':
        return {
          type: 'string',
          ...(rule.pattern === undefined ? {} : { pattern: rule.pattern.source }),
          ...(rule.max === undefined ? {} : { description: lengthDescription(rule.max, rule.unit ?? 'utf16') }),
        };
      case 'uri':
        return { type: 'string', description: `A ${rule.schemes.join(', ')} URI of at most ${rule.max} characters.` };
      case 'enum':
        return { type: 'string', enum: [...rule.values] };
      case 'length':
        return {
          anyOf: [
            ...(rule.keywords.length > 0 ? [{ type: 'string', enum: [...rule.keywords] }] : []),
            ...rule.units.map((u) => ({
              type: 'string',
              pattern: `^${rule.signed === true ? '-?' : ''}${LENGTH_PATTERNS[u]}`,
            })),
          ],
        };
      case 'color':
        return rule.alpha
          ? { type: 'string', pattern: '^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$', description: '#RRGGBB or #RRGGBBAA' }
          : { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', description: '#RRGGBB' };
      case 'integer':
      case 'number':
        return {
          type: rule.kind,
          ...(rule.min === undefined ? {} : { minimum: rule.min }),
          ...(rule.max === undefined ? {} : { maximum: rule.max }),
        };
      case 'boolean':
        return { type: 'boolean' };
      case 'object':
        return this.ref(rule.spec());
      case 'list':
        return {
          type: 'array',
          items: this.rule(rule.of),
          ...(rule.min === undefined ? {} : { minItems: rule.min }),
          ...(rule.max === undefined ? {} : { maxItems: rule.max }),
        };
      case 'typed': {
        const variants = Object.entries(rule.family.variants()).filter(
          ([type]) => rule.allowed === undefined || rule.allowed.includes(type),
        );
        return { oneOf: variants.map(([type, spec]) => this.ref(spec, type)) };
      }
      case 'record':
        return { type: 'object', additionalProperties: this.rule(rule.of) };
      case 'custom':
        return rule.schema === undefined ? {} : this.rule(rule.schema);
    }
  }
}

/** The JSON Schema of one LINE message (`items` of a LINE template's `messages`), with its `$defs`. */
export function lineMessageJsonSchema(): { message: JsonSchema; defs: Record<string, JsonSchema> } {
  const builder = new SchemaBuilder();
  const message = builder.rule(LINE_MESSAGE_RULE);
  return { message, defs: builder.defs };
}

/** The JSON Schema of an object checked by `spec` (a rich menu file), its nested objects in `$defs`. */
export function objectJsonSchema(spec: ObjectSpec): { root: JsonSchema; defs: Record<string, JsonSchema> } {
  const builder = new SchemaBuilder();
  const root = builder.ref(spec);
  return { root, defs: builder.defs };
}

/** How LINE counts the limit: grapheme clusters read as characters; UTF-16 units count an emoji twice. */
function lengthDescription(max: number, unit: TextUnit): string {
  return unit === 'graphemes'
    ? `At most ${max} characters (as a reader sees them: an emoji is one).`
    : `At most ${max} UTF-16 code units (an emoji counts as two).`;
}

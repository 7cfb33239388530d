import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCompileOptions } from '../../../definitions/catalog.js';
import { compileJourney } from '../../../definitions/compile.js';
import { describeCondition, toDot, toMermaid } from '../../../definitions/graph.js';
import type { Plan } from '../../../definitions/plan.js';
import { renderSvg } from '../../../cli/graph.js';

function plan(name: string): Plan {
  const file = `definitions/journeys/${name}`;
  const result = compileJourney(readFileSync(file, 'utf8'), file, loadCompileOptions('definitions'));
  if (!result.ok) throw new Error('example does not compile');
  return result.plan;
}

describe('graph', () => {
  it('draws winback as Mermaid with labeled branches and timeouts', () => {
    const text = toMermaid(plan('winback.yaml'));
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect(text).toContain('n3{"vip-check<br/>if totalSpent ≥ 30000"}');
    expect(text).toContain('n3 -->|"then"| n4');
    expect(text).toContain('n3 -->|"else"| n5');
    expect(text).toContain('n6 -->|"timeout 1w"| n7');
    expect(text).toContain('n6 -->|"order.completed"| n9');
    expect(text).toContain('n7 --> n8');
    expect(text).toContain('n0 -->|"holdout 10%"| n1');
  });

  it('labels split variants with their shares and the repeat loop', () => {
    expect(toMermaid(plan('upsell.yaml'))).toContain('|"discount 50%"|');
    const cart = toMermaid(plan('cart-abandonment.yaml'));
    expect(cart).toContain('|"each time"|');
    expect(cart).toContain('|"done"|');
  });

  it('describes conditions briefly', () => {
    expect(describeCondition({ lastOrderAt: { $olderThan: 90 * 86_400_000 }, tags: { $in: ['a', 'b'] } })).toBe(
      'lastOrderAt older than 90d and tags in [a, b]',
    );
    expect(describeCondition({ $or: [{ a: 1 }, { b: { $exists: false } }] })).toBe('(a = 1 or b missing)');
  });

  it('renders an SVG through Graphviz without a browser', async () => {
    const dot = toDot(plan('line-survey.yaml'));
    expect(dot).toContain('"wait-answer" -> "reminder" [label="timeout 3d"];');
    const svg = await renderSvg(plan('line-survey.yaml'));
    expect(svg).toContain('<svg');
    expect(svg).toContain('>timeout 3d</text>');
  });
});

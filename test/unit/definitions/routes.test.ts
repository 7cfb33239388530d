import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRouteDefinition } from '../../../definitions/route-definition.js';

const DIR = join(import.meta.dirname, '../../../definitions/routes');
const codes = (source: string, options = {}) => {
  const result = loadRouteDefinition(source, 'routes/x.yaml', options);
  return result.ok ? [] : result.errors.map(({ code, line, col }) => ({ code, line, col }));
};

describe('definitions/routes/*.yaml', () => {
  it.each(readdirSync(DIR))('%s is a valid route whose id is its file name', (file) => {
    const result = loadRouteDefinition(readFileSync(join(DIR, file), 'utf8'), file);
    expect(result.ok && result.route.route).toBe(file.replace(/\.yaml$/, ''));
  });
});

describe('loadRouteDefinition', () => {
  it('reads a route with its actions and a stable content hash', () => {
    const a = loadRouteDefinition('route: a-1\nname: A\nactions: { tags: [x, y], journey: j }\n', 'a.yaml');
    const b = loadRouteDefinition('name: A\nactions: { journey: j, tags: [x, y] }\nroute: a-1\n', 'b.yaml');
    expect(a.ok && a.route).toEqual({ route: 'a-1', name: 'A', actions: { tags: ['x', 'y'], journey: 'j' } });
    expect(a.ok && b.ok && a.contentHash === b.contentHash).toBe(true);
  });

  it.each([
    ['route: Spring_Flyer\nname: A\n', 'BAD_ROUTE_ID', 1, 8],
    ['route: a\nname: A\nactions:\n  tags: ["bad tag"]\n', 'BAD_ROUTE_NAME', 4, 10],
    ['route: a\n', 'MISSING_KEY', 1, 1],
    ['route: a\nname: A\nstor: shibuya\n', 'UNKNOWN_KEY', 3, 1],
    ['route: a\nname: A\nactions:\n  tag: [x]\n', 'UNKNOWN_KEY', 4, 3],
    ['route: a\nname: A\nactions: { tags: x }\n', 'WRONG_TYPE', 3, 18],
    ['- route: a\n', 'NOT_A_MAPPING', 1, 1],
    ['route: a\nname: [\n', 'YAML_SYNTAX', 3, 1],
  ])('refuses %j with %s at %i:%i', (source, code, line, col) => {
    expect(codes(source)).toContainEqual({ code, line, col });
  });

  it('names an unknown journey or rich menu at its position, with a suggestion', () => {
    const source = 'route: a\nname: A\nactions:\n  journey: welcom\n  richmenu: member\n';
    const result = loadRouteDefinition(source, 'a.yaml', {
      journeys: new Set(['welcome']),
      richMenus: new Set(['members']),
    });
    expect(result.ok ? [] : result.errors).toMatchObject([
      { code: 'UNKNOWN_JOURNEY', line: 4, col: 12, suggestion: 'welcome' },
      { code: 'UNKNOWN_RICH_MENU', line: 5, col: 13, suggestion: 'members' },
    ]);
  });
});

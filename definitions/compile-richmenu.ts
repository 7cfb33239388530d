/** Compiles a `line_richmenu` step: one of link and unlink, and a menu the definitions hold (when known). */
import type { CompileContext } from './context.js';
import type { LineRichMenuNode } from './parse-steps.js';
import type { StepId, StepPlan } from './plan.js';
import { RICH_MENU_NAME } from './schema-richmenu-step.js';
import { suggest } from './suggest.js';

/** The plan of `node`, or null when it has errors (reported). */
export function compileLineRichMenu(
  ctx: CompileContext,
  node: LineRichMenuNode,
  base: { id: StepId; loc: { line: number; col: number } },
  next: StepId | null,
): StepPlan | null {
  const { link, unlink } = node.line_richmenu;
  const path = [...node.path, 'line_richmenu'];
  if ((link === undefined) === (unlink === undefined)) {
    const message =
      link === undefined
        ? 'line_richmenu needs link: <menu> or unlink: true'
        : 'give link: <menu> or unlink: true, not both';
    const at = link === undefined ? ctx.positions.keyAt(path) : ctx.positions.keyAt([...path, 'unlink']);
    ctx.sink.add('BAD_RICH_MENU_STEP', message, at, link === undefined ? path : [...path, 'unlink']);
    return null;
  }
  if (link === undefined) return { ...base, kind: 'line_richmenu', link: null, next };
  return checkMenuName(ctx, link, [...path, 'link']) ? { ...base, kind: 'line_richmenu', link, next } : null;
}

function checkMenuName(ctx: CompileContext, name: string, path: (string | number)[]): boolean {
  const known = ctx.richMenus;
  if (known !== undefined && !known.has(name)) {
    const message = `no rich menu "${name}" in richmenus/; write one of: ${[...known].sort().join(', ') || '(none yet)'}`;
    ctx.sink.add('UNKNOWN_RICH_MENU', message, ctx.positions.valueAt(path), path, {
      suggestion: suggest(name, known),
    });
    return false;
  }
  if (RICH_MENU_NAME.test(name)) return true;
  const message = `"${name}" is not a rich menu name: lower-case letters, digits, - and _ (at most 32)`;
  ctx.sink.add('INVALID_VALUE', message, ctx.positions.valueAt(path), path);
  return false;
}

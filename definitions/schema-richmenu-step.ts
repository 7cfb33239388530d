/**
 * The `line_richmenu` step as a zod schema: link one of the rich menus of `definitions/richmenus/` to
 * the customer's LINE user, or unlink the user's own menu (the default menu shows again).
 */
import { z } from 'zod';
import { RICH_MENU_STEP_RULES, stepSnippets } from './schema-rules.js';

/** A rich menu's name: its file name in `definitions/richmenus/` and its alias at LINE. */
export const RICH_MENU_NAME = /^[a-z0-9_-]{1,32}$/;

/** `line_richmenu: { link: <menu> }` or `line_richmenu: { unlink: true }`. */
export function lineRichMenuStepSchema(stepId: z.ZodString) {
  return z
    .strictObject({
      id: stepId.optional(),
      line_richmenu: z
        .strictObject({
          link: z.string().optional().meta({
            description: 'The rich menu to show this customer: a file name in definitions/richmenus/ (its alias).',
            pattern: RICH_MENU_NAME.source,
            patternErrorMessage: 'a rich menu name has lower-case letters, digits, - and _ (at most 32)',
          }),
          unlink: z
            .literal(true)
            .optional()
            .meta({ description: "true: remove the customer's own menu (the default menu shows again)." }),
        })
        .meta({ description: 'link: <menu> or unlink: true.', ...RICH_MENU_STEP_RULES }),
    })
    .meta({
      title: 'line_richmenu',
      description: "Link a rich menu to the customer's LINE user, or unlink it.",
      defaultSnippets: stepSnippets('line_richmenu'),
    });
}

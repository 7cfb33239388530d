/**
 * The rich menu part of `kizuna publish`: each `richmenus/<id>.yaml` among the paths is checked, then
 * created at LINE with its image and alias (channels/line-richmenus.ts). LINE is called directly, with
 * `LINE_CHANNEL_ACCESS_TOKEN` (and `LINE_API_BASE_URL` for the stand-in): the Kizuna API holds no
 * image upload. Returns the lines to print and how many files failed.
 */
import type { LineRichMenus } from '../channels/line-richmenus.js';
import { loadRichMenu, RICH_MENU_FILE } from '../definitions/richmenus.js';
import { collectYamlFiles, formatProblems } from './journey-files.js';

/** The rich menu files among `paths`. */
export function richMenuFiles(paths: readonly string[]): string[] {
  return collectYamlFiles(paths).filter((f) => RICH_MENU_FILE.test(f));
}

/**
 * LINE's rich menu client from the environment; throws when no token is set. Loaded on first use: the
 * LINE SDK is not worth its start-up time to the commands that publish no menu.
 */
export async function richMenusFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<LineRichMenus> {
  const token = env.LINE_CHANNEL_ACCESS_TOKEN;
  if (!token) throw new Error('LINE_CHANNEL_ACCESS_TOKEN is not set: rich menus are published to LINE directly.');
  const { createLineRichMenus } = await import('../channels/line-richmenus.js');
  return createLineRichMenus({
    channelAccessToken: token,
    ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
  });
}

/** Publishes the rich menus among `files`, one line each. */
export async function publishRichMenus(
  files: readonly string[],
  line: () => Promise<LineRichMenus>,
): Promise<{ lines: string[]; failed: number }> {
  const lines: string[] = [];
  let failed = 0;
  for (const file of files) {
    const loaded = loadRichMenu(file);
    try {
      if (!loaded.ok) throw new Error(formatProblems(loaded.errors));
      const done = await (await line()).publish(loaded.menu);
      lines.push(`${file}: rich menu ${done.alias} published (${done.richMenuId})`);
    } catch (err) {
      failed += 1;
      lines.push(`${file}: not published\n${(err as Error).message}`);
    }
  }
  return { lines, failed };
}

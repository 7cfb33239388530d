/**
 * Rich menus at LINE through `@line/bot-sdk`: publishing a checked definition (create the menu, upload
 * its image to `api-data.line.me`, point the alias named after the definition at it) and linking or
 * unlinking a user's menu. `baseURL` points both clients at the stand-in locally and in tests.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { RichMenuDefinition } from '../definitions/richmenus.js';

/** The rich menu calls Kizuna makes. */
export interface LineRichMenus {
  /** Creates the menu, uploads its image, sets its alias; returns LINE's rich menu id. */
  publish(menu: RichMenuDefinition): Promise<{ richMenuId: string; alias: string; aliasCreated: boolean }>;
  /**
   * Links the menu behind alias `menuId` to a user (at once, over the default menu); returns its rich
   * menu id. Linking the same menu again changes nothing.
   *
   * @throws UnknownRichMenuError when no alias `menuId` exists at LINE.
   * @throws HTTPFetchError when LINE refuses a call.
   */
  link(userId: string, menuId: string): Promise<string>;
  /** Removes a user's own menu (the default menu shows again). */
  unlink(userId: string): Promise<void>;
}

/** Thrown by `link` when no menu of that name is published: LINE has no alias of it. */
export class UnknownRichMenuError extends Error {
  constructor(readonly menuId: string) {
    super(`no rich menu "${menuId}" is published (no alias of that name at LINE)`);
    this.name = 'UnknownRichMenuError';
  }
}

const notFound = (err: unknown) => err instanceof HTTPFetchError && err.status === 404;

/** Clients on a channel access token; `baseURL` replaces both api.line.me and api-data.line.me. */
export function createLineRichMenus(opts: { channelAccessToken: string; baseURL?: string }): LineRichMenus {
  const auth = { channelAccessToken: opts.channelAccessToken };
  const api = new messagingApi.MessagingApiClient({ ...auth, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}) });
  const blob = new messagingApi.MessagingApiBlobClient({ ...auth, ...(opts.baseURL ? { baseURL: opts.baseURL } : {}) });
  const aliasTarget = (alias: string) =>
    api.getRichMenuAlias(alias).then(
      (found) => found.richMenuId,
      (err: unknown) => {
        if (notFound(err)) return null;
        throw err;
      },
    );
  return {
    async publish(menu) {
      const { richMenuId } = await api.createRichMenu(menu.request as messagingApi.RichMenuRequest);
      const image = new Blob([new Uint8Array(menu.image.bytes)], { type: menu.image.contentType });
      await blob.setRichMenuImage(richMenuId, image);
      const before = await aliasTarget(menu.id);
      if (before === null) await api.createRichMenuAlias({ richMenuAliasId: menu.id, richMenuId });
      else await api.updateRichMenuAlias(menu.id, { richMenuId });
      return { richMenuId, alias: menu.id, aliasCreated: before === null };
    },
    async link(userId, menuId) {
      const richMenuId = await aliasTarget(menuId);
      if (richMenuId === null) throw new UnknownRichMenuError(menuId);
      await api.linkRichMenuIdToUser(userId, richMenuId);
      return richMenuId;
    },
    async unlink(userId) {
      await api.unlinkRichMenuIdFromUser(userId);
    },
  };
}

/**
 * The `richmenu` action of a route: links the menu named in the route (its alias at LINE, set by
 * `kizuna publish`) to the arriving LINE user, with the same LINE client the worker's `line_richmenu`
 * step uses. Linking again (a second arrival) leaves the user as once.
 */
import type { LineRichMenus } from '../../channels/line-richmenus.js';
import type { RouteRichMenuPort } from './arrival.js';

/** A {@link RouteRichMenuPort} on LINE's rich menu client (channels/line-richmenus.ts `createLineRichMenus`). */
export function createRouteRichMenus(line: Pick<LineRichMenus, 'link'>): RouteRichMenuPort {
  return {
    async link({ lineUserId, richMenu }) {
      await line.link(lineUserId, richMenu);
    },
  };
}

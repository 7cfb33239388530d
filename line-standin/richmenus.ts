/**
 * The stand-in's rich menu endpoints, as LINE's Messaging API documents them: create / validate /
 * get / list / delete a menu (`RichMenuRequest`), upload its image (JPEG or PNG, at most 1 MB, once;
 * `api-data.line.me` at LINE, the same origin here), aliases, and per-user link, unlink and read. A
 * menu without an image cannot be linked. `richMenusSection` shows each user's current menu on the page.
 */
import { randomBytes } from 'node:crypto';
import express, { Router, type Response } from 'express';

/** A created menu. */
export interface StandinRichMenu {
  richMenuId: string;
  request: Record<string, unknown>;
  image: { contentType: string; bytes: number } | null;
}

/** What the stand-in remembers of rich menus. */
export class RichMenuState {
  readonly menus = new Map<string, StandinRichMenu>();
  readonly aliases = new Map<string, string>();
  /** User id -> linked rich menu id. */
  readonly links = new Map<string, string>();
}

const MAX_IMAGE_BYTES = 1024 * 1024;
const ALIAS_ID = /^[a-z0-9_-]{1,32}$/;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);

type Detail = { message: string; property: string };

const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;

function checkBounds(bounds: unknown, size: { width: number; height: number }, at: string, out: Detail[]) {
  const b = (bounds ?? {}) as Record<string, unknown>;
  for (const [key, min] of [
    ['x', 0],
    ['y', 0],
    ['width', 1],
    ['height', 1],
  ] as const) {
    if (!isInt(b[key], min))
      out.push({ message: `must be an integer of at least ${min}`, property: `${at}.bounds.${key}` });
  }
  if (out.length > 0) return;
  const { x, y, width, height } = b as Record<string, number>;
  if (x! + width! > size.width || y! + height! > size.height) {
    out.push({ message: 'The area is outside the rich menu', property: `${at}.bounds` });
  }
}

/** Problems of a `RichMenuRequest`, as LINE names them (`details[].property`). */
export function validateRichMenuRequest(body: unknown): Detail[] {
  const out: Detail[] = [];
  const req = (body ?? {}) as Record<string, unknown>;
  const size = (req.size ?? {}) as Record<string, unknown>;
  if (!isInt(size.width, 800) || (size.width as number) > 2500) {
    out.push({ message: 'must be between 800 and 2500', property: 'size.width' });
  }
  if (!isInt(size.height, 250)) out.push({ message: 'must be at least 250', property: 'size.height' });
  else if ((size.width as number) / (size.height as number) < 1.45) {
    out.push({ message: 'width / height must be at least 1.45', property: 'size.height' });
  }
  if (typeof req.selected !== 'boolean') out.push({ message: 'must be specified', property: 'selected' });
  if (typeof req.name !== 'string' || req.name.length === 0 || req.name.length > 300) {
    out.push({ message: 'must be 1 to 300 characters', property: 'name' });
  }
  if (typeof req.chatBarText !== 'string' || req.chatBarText.length === 0 || req.chatBarText.length > 14) {
    out.push({ message: 'must be 1 to 14 characters', property: 'chatBarText' });
  }
  const areas = req.areas;
  if (!Array.isArray(areas) || areas.length > 20) {
    out.push({ message: 'must be an array of at most 20 areas', property: 'areas' });
    return out;
  }
  const limits = { width: Number(size.width), height: Number(size.height) };
  areas.forEach((area: Record<string, unknown> | null, i) => {
    checkBounds(area?.bounds, limits, `areas[${i}]`, out);
    const action = area?.action as Record<string, unknown> | undefined;
    if (typeof action?.type !== 'string') out.push({ message: 'must be specified', property: `areas[${i}].action` });
  });
  return out;
}

const lineError = (res: Response, status: number, message: string, extra: object = {}) =>
  res.status(status).json({ message, ...extra });

/** The rich menu routes; mounted after the stand-in's bearer check of `/v2/bot`. */
export function richMenuRouter(state: RichMenuState): Router {
  const router = Router();
  const json = express.json({ limit: '1mb' });
  router.post('/v2/bot/richmenu/validate', json, (req, res) => {
    const details = validateRichMenuRequest(req.body);
    if (details.length > 0) return lineError(res, 400, 'The request body has 1 error(s)', { details });
    res.json({});
  });
  router.post('/v2/bot/richmenu', json, (req, res) => {
    const details = validateRichMenuRequest(req.body);
    if (details.length > 0) return lineError(res, 400, 'The request body has 1 error(s)', { details });
    const richMenuId = `richmenu-${randomBytes(16).toString('hex')}`;
    state.menus.set(richMenuId, { richMenuId, request: req.body as Record<string, unknown>, image: null });
    res.json({ richMenuId });
  });
  router.get('/v2/bot/richmenu/list', (_req, res) => {
    res.json({ richmenus: [...state.menus.values()].map((m) => ({ richMenuId: m.richMenuId, ...m.request })) });
  });
  router.post('/v2/bot/richmenu/alias', json, (req, res) => {
    const { richMenuAliasId, richMenuId } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof richMenuAliasId !== 'string' || !ALIAS_ID.test(richMenuAliasId)) {
      return lineError(res, 400, 'The request body has 1 error(s)', {
        details: [{ message: 'must match ^[a-z0-9_-]{1,32}$', property: 'richMenuAliasId' }],
      });
    }
    if (typeof richMenuId !== 'string' || !state.menus.has(richMenuId))
      return lineError(res, 400, 'richmenu not found');
    if (state.aliases.has(richMenuAliasId)) return lineError(res, 400, 'conflict richmenu alias id');
    state.aliases.set(richMenuAliasId, richMenuId);
    res.json({});
  });
  router.post('/v2/bot/richmenu/alias/:aliasId', json, (req, res) => {
    const { richMenuId } = (req.body ?? {}) as Record<string, unknown>;
    if (!state.aliases.has(req.params.aliasId)) return lineError(res, 404, 'richmenu alias not found');
    if (typeof richMenuId !== 'string' || !state.menus.has(richMenuId))
      return lineError(res, 400, 'richmenu not found');
    state.aliases.set(req.params.aliasId, richMenuId);
    res.json({});
  });
  router.get('/v2/bot/richmenu/alias/:aliasId', (req, res) => {
    const richMenuId = state.aliases.get(req.params.aliasId);
    if (!richMenuId) return lineError(res, 404, 'richmenu alias not found');
    res.json({ richMenuAliasId: req.params.aliasId, richMenuId });
  });
  router.post('/v2/bot/richmenu/:richMenuId/content', express.raw({ type: () => true, limit: '2mb' }), (req, res) =>
    uploadImage(state, req.params.richMenuId, req.get('content-type') ?? '', req.body as Buffer, res),
  );
  router.get('/v2/bot/richmenu/:richMenuId', (req, res) => {
    const menu = state.menus.get(req.params.richMenuId);
    if (!menu) return lineError(res, 404, 'Not found');
    res.json({ richMenuId: menu.richMenuId, ...menu.request });
  });
  router.delete('/v2/bot/richmenu/:richMenuId', (req, res) => {
    if (!state.menus.delete(req.params.richMenuId)) return lineError(res, 404, 'Not found');
    res.json({});
  });
  linkRoutes(router, state);
  return router;
}

function uploadImage(state: RichMenuState, id: string, type: string, body: Buffer, res: Response) {
  const menu = state.menus.get(id);
  if (!menu) return lineError(res, 404, 'Not found');
  const contentType = type.split(';')[0]!.trim().toLowerCase();
  if (!IMAGE_TYPES.has(contentType)) return lineError(res, 415, `The content type, '${type}', is not supported`);
  if (!Buffer.isBuffer(body) || body.length === 0) return lineError(res, 400, 'The image is empty');
  if (body.length > MAX_IMAGE_BYTES) return lineError(res, 413, 'The image is larger than 1 MB');
  if (menu.image) return lineError(res, 400, 'An image has already been uploaded to the richmenu');
  menu.image = { contentType, bytes: body.length };
  res.json({});
}

function linkRoutes(router: Router, state: RichMenuState) {
  router.post('/v2/bot/user/:userId/richmenu/:richMenuId', (req, res) => {
    const menu = state.menus.get(req.params.richMenuId);
    if (!menu) return lineError(res, 404, 'richmenu not found');
    if (!menu.image) return lineError(res, 400, 'must upload richmenu image before applying it to user');
    state.links.set(req.params.userId, menu.richMenuId);
    res.json({});
  });
  router.delete('/v2/bot/user/:userId/richmenu', (req, res) => {
    state.links.delete(req.params.userId);
    res.json({});
  });
  router.get('/v2/bot/user/:userId/richmenu', (req, res) => {
    const richMenuId = state.links.get(req.params.userId);
    if (!richMenuId) return lineError(res, 404, 'the user has no richmenu');
    res.json({ richMenuId });
  });
}

const esc = (s: unknown) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The page's section listing each user's current rich menu (by name and alias). */
export function richMenusSection(state: RichMenuState): string {
  if (state.links.size === 0)
    return '<section><h2>Rich menus</h2><p class="meta">No user has a rich menu linked.</p></section>';
  const aliasOf = (id: string) => [...state.aliases].filter(([, m]) => m === id).map(([a]) => a);
  const rows = [...state.links].map(([userId, id]) => {
    const menu = state.menus.get(id);
    const name = menu ? String(menu.request.name) : '(deleted)';
    return `<tr><td>${esc(userId)}</td><td>${esc(name)}</td><td>${esc(aliasOf(id).join(', '))}</td><td>${esc(id)}</td></tr>`;
  });
  return `<section><h2>Rich menus</h2><table><tr><th>user</th><th>menu</th><th>alias</th><th>id</th></tr>${rows.join('')}</table></section>`;
}

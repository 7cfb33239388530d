/**
 * The console's static files (api/console/assets/), read once at start and served from memory with a
 * fixed list of names: no path from a request ever reaches the file system.
 */
import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';

const FILES: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

/** Serves `/console/assets/:file` for the files listed above; other names fall through (404). */
export function assetsHandler(dir: URL = new URL('./assets/', import.meta.url)): RequestHandler {
  const loaded = new Map(
    Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, dir)) }]),
  );
  return (req, res, next) => {
    const asset = loaded.get(String(req.params.file));
    if (!asset) return next();
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type(asset.type).send(asset.body);
  };
}

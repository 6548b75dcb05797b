import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context, Next } from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.map': 'application/json',
  '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

async function fileIn(dir: string, urlPath: string): Promise<string | undefined> {
  const relative = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.(\/|\\|$))+/, '');
  const path = join(dir, relative);
  if (path !== dir && !path.startsWith(dir + sep)) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? path : undefined;
}

/** The probes are the app's own routes: index.html in their place made /readyz always 200. */
const PROBES = ['/healthz', '/readyz'];

/**
 * Serves the built storefront; any other GET outside /api gets index.html, so the storefront's
 * own routes (/orders/<id>) work on reload. Hashed assets are cached for a year.
 */
export function serveStorefront(dir: string) {
  return async (ctx: Context, next: Next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || ctx.path.startsWith('/api/') || ctx.path === '/api' || ctx.path.startsWith('/otlp/')
      || PROBES.includes(ctx.path)) return next();
    let file: string | undefined;
    try {
      file = await fileIn(dir, ctx.path);
    } catch {
      file = undefined;
    }
    file ??= await fileIn(dir, 'index.html');
    if (!file) return next();
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.set('cache-control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.body = createReadStream(file);
  };
}

import { send } from '@koa/send';
import type { Context, Next } from 'koa';
import { sep } from 'node:path';

/** The probes are the app's own routes: index.html in their place made /readyz always 200. */
const PROBES = ['/healthz', '/readyz'];

const isClientError = (err: unknown) => {
  const status = (err as { status?: number }).status;
  return status !== undefined && status >= 400 && status < 500;
};

/**
 * Serves the built storefront with @koa/send; any other GET outside /api gets index.html, so the
 * storefront's own routes (/orders/<id>) work on reload, and so does a path that names no file
 * (not found, undecodable, outside the folder). Vite's hashed assets are cached for a year as
 * immutable, everything else revalidated.
 */
export function serveStorefront(dir: string) {
  const options = {
    root: dir,
    // Only Vite's hashed assets may be cached for good; index.html must be revalidated.
    setHeaders: (res: Context['res'], path: string) => {
      res.setHeader('cache-control', path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  };
  return async (ctx: Context, next: Next) => {
    if (
      (ctx.method !== 'GET' && ctx.method !== 'HEAD') ||
      ctx.path.startsWith('/api/') ||
      ctx.path === '/api' ||
      ctx.path.startsWith('/otlp/') ||
      PROBES.includes(ctx.path)
    )
      return next();
    const served = await send(ctx, ctx.path, options).catch((err: unknown) => {
      if (isClientError(err)) return undefined;
      throw err;
    });
    if (served) return;
    // Without a built storefront there is no index.html either: the request goes on (a JSON 404).
    if (!(await send(ctx, 'index.html', options).catch(() => undefined))) return next();
  };
}

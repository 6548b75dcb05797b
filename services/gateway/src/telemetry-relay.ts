import { BadRequest, DependencyUnavailable } from '@hoptrace/kit';
import { suppressTracing } from '@opentelemetry/core';
import { context } from '@opentelemetry/api';
import type { Context, Next } from 'koa';

const OTLP_LIMIT = 1024 * 1024;
const OTLP_TYPES = ['application/json', 'application/x-protobuf'];

/**
 * Browser spans arrive same-origin at /otlp/v1/traces and are forwarded to the collector as they
 * are, so the collector is never exposed to the browser (no CORS). The forwarding itself is not
 * traced: it would add one orphan trace per export.
 */
export function relayBrowserSpans(collectorUrl: string) {
  return async (ctx: Context, next: Next) => {
    if (ctx.path !== '/otlp/v1/traces') return next();
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('allow', 'POST');
      ctx.body = { error: { code: 'method_not_allowed', message: 'POST OTLP trace data here' } };
      return;
    }
    const type = ctx.request.type;
    if (!OTLP_TYPES.includes(type)) throw new BadRequest('unsupported_media_type', 'send OTLP as application/json or application/x-protobuf', { body: 'OTLP/HTTP traces' });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > OTLP_LIMIT) throw new BadRequest('body_too_large', 'OTLP export larger than 1 MiB', { body: 'at most 1 MiB' });
      chunks.push(chunk);
    }
    const res = await context.with(suppressTracing(context.active()), () =>
      fetch(collectorUrl, { method: 'POST', headers: { 'content-type': type }, body: Buffer.concat(chunks), signal: AbortSignal.timeout(5000) }))
      .catch((err: Error) => { throw new DependencyUnavailable('collector', err.name === 'TimeoutError' ? 'no answer within 5000 ms' : err.message); });
    ctx.status = res.status;
    ctx.type = res.headers.get('content-type') ?? type;
    ctx.body = Buffer.from(await res.arrayBuffer());
  };
}

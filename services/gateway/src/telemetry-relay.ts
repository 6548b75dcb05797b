import { STOREFRONT_SERVICE_NAME } from '@hoptrace/contracts';
import { AppError, BadRequest, DependencyUnavailable, readJson, ValidationFailed } from '@hoptrace/kit';
import { suppressTracing } from '@opentelemetry/core';
import { context } from '@opentelemetry/api';
import type { Context, Next } from 'koa';

export const OTLP_PATH = '/otlp/v1/traces';
/** A browser batch is a few dozen spans; 256 KiB is room for the SDK's largest batch of small spans. */
export const OTLP_LIMIT = 256 * 1024;

type OtlpAttribute = { key?: unknown; value?: { stringValue?: unknown } };
type OtlpExport = { resourceSpans?: { resource?: { attributes?: OtlpAttribute[] } }[] };

/**
 * The service a resource claims, from OTLP/JSON's `resource.attributes` (the storefront's
 * exporter, @opentelemetry/exporter-trace-otlp-http, sends JSON).
 */
const serviceOf = (resource: { attributes?: OtlpAttribute[] } | undefined) =>
  (Array.isArray(resource?.attributes) ? resource.attributes : []).find((a) => a?.key === 'service.name')?.value?.stringValue;

/** Every resource in the export must be the storefront: the relay is not a way into the collector for other services' spans. */
export function checkBrowserExport(body: unknown): OtlpExport {
  const resourceSpans = (body as OtlpExport | null)?.resourceSpans;
  if (!body || typeof body !== 'object' || !Array.isArray(resourceSpans)) {
    throw new ValidationFailed({ resourceSpans: 'an OTLP/JSON trace export (resourceSpans[])' });
  }
  const fields: Record<string, string> = {};
  resourceSpans.forEach((rs, i) => {
    if (serviceOf(rs?.resource) !== STOREFRONT_SERVICE_NAME)
      fields[`resourceSpans.${i}.resource`] = `service.name must be "${STOREFRONT_SERVICE_NAME}"`;
  });
  if (Object.keys(fields).length) throw new ValidationFailed(fields, `only spans of the ${STOREFRONT_SERVICE_NAME} are relayed`);
  return body as OtlpExport;
}

/**
 * Browser spans arrive same-origin at /otlp/v1/traces and are forwarded to the collector, so the
 * collector is never exposed to the browser (no CORS). Only OTLP/JSON whose resources all claim
 * the storefront passes, and what is forwarded is what was checked (re-serialised). The forwarding
 * itself is not traced: it would add one orphan trace per export.
 */
export function relayBrowserSpans(collectorUrl: string) {
  return async (ctx: Context, next: Next) => {
    if (ctx.path !== OTLP_PATH && !ctx.path.startsWith('/otlp/')) return next();
    if (ctx.path !== OTLP_PATH) throw new AppError(404, 'not_found', `only ${OTLP_PATH} is relayed`);
    if (ctx.method !== 'POST') {
      ctx.set('allow', 'POST');
      throw new AppError(405, 'method_not_allowed', 'POST OTLP trace data here');
    }
    if (ctx.request.type !== 'application/json') {
      throw new AppError(415, 'unsupported_media_type', 'send OTLP/JSON (application/json): only that can be checked here', {
        body: 'OTLP/JSON traces',
      });
    }
    const parsed = await readJson(ctx, OTLP_LIMIT, 'the OTLP export');
    const body = JSON.stringify(checkBrowserExport(parsed));
    const res = await context
      .with(suppressTracing(context.active()), () =>
        fetch(collectorUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) }),
      )
      .catch((err: Error) => {
        throw new DependencyUnavailable('collector', err.name === 'TimeoutError' ? 'no answer within 5000 ms' : err.message);
      });
    const answer = Buffer.from(await res.arrayBuffer());
    // The collector's own 4xx (a span it cannot read) is the client's problem, in our error shape.
    if (res.status >= 400 && res.status < 500)
      throw new BadRequest('invalid_spans', `the collector refused the export (${res.status})`, {
        body: answer.toString('utf8').slice(0, 200),
      });
    if (res.status >= 500) throw new DependencyUnavailable('collector', `answered ${res.status}`);
    ctx.status = res.status;
    ctx.type = res.headers.get('content-type') ?? 'application/json';
    ctx.body = answer;
  };
}

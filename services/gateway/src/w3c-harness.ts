import { W3cTestRequest } from '@hoptrace/contracts';
import { BadRequest, parseInput, type Routes } from '@hoptrace/kit';
import { isIP } from 'node:net';

export const W3C_HARNESS_PATH = '/__w3c/test';

/** Loopback only: the harness must never become a way to make the gateway call out. */
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The test-service endpoint of the W3C Trace Context validation suite (w3c/trace-context,
 * test/): the suite POSTs a list of `{url, arguments}` with the trace headers under test; we
 * POST each `arguments` to its `url`, in order, from inside this request's trace context, so the
 * headers the suite receives back are our propagator's. Registered only when
 * HOPTRACE_W3C_HARNESS=1; otherwise the path is a 404 like any other.
 */
export function serveW3cHarness(router: Routes, timeoutMs = 5000): void {
  router.post(W3C_HARNESS_PATH, async (ctx) => {
    const calls = parseInput(W3cTestRequest, ctx.request.body);
    const bad = Object.fromEntries(
      calls
        .map((c, i) => [`${i}.url`, c.url] as const)
        .filter(([, url]) => !isLoopbackUrl(url))
        .map(([field]) => [field, 'a loopback http(s) URL']),
    );
    if (Object.keys(bad).length) throw new BadRequest('url_not_allowed', 'the harness calls loopback URLs only', bad);
    const results: { url: string; status?: number; error?: string }[] = [];
    for (const call of calls) {
      try {
        const res = await fetch(call.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(call.arguments ?? []),
          signal: AbortSignal.timeout(timeoutMs),
          // A loopback URL must not bounce the call elsewhere.
          redirect: 'manual',
        });
        await res.arrayBuffer();
        results.push({ url: call.url, status: res.status });
      } catch (err) {
        results.push({ url: call.url, error: (err as Error).message });
      }
    }
    ctx.body = { results };
  });
}

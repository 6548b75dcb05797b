/**
 * What the preload must know about the app, read from configuration rather than written into it
 * (no OpenTelemetry variable exists for either; compose's x-otel sets both):
 *
 *   HOPTRACE_UNTRACED_PATHS        comma-separated request paths the HTTP instrumentation leaves
 *                                  untraced; `:name` stands for one path segment, a trailing `*`
 *                                  for anything after it; the query is not part of the path.
 *                                  e.g. /healthz,/metrics,/otlp/*,/api/orders/:id/trace
 *   HOPTRACE_UNTRACED_GRPC_METHODS comma-separated gRPC method names instrumentation-grpc leaves
 *                                  untraced, client and server side. It matches the method name
 *                                  alone (its ignoreGrpcMethods sees no service), so name only
 *                                  methods of the standard services. e.g. Check,Watch
 *   HOPTRACE_KAFKA_KEY_ATTRIBUTES  comma-separated <topic>=<span attribute>: the Kafka message key
 *                                  of a message on that topic is set as that attribute on its send
 *                                  and process spans; a trailing `*` in the topic matches any rest.
 *                                  e.g. orders.*=order.id
 */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function patternOf(glob: string, segment: string): RegExp {
  const open = glob.endsWith('*');
  const body = (open ? glob.slice(0, -1) : glob)
    .split(/(:[A-Za-z_]\w*)/)
    .map((part) => (part.startsWith(':') ? segment : escape(part)))
    .join('');
  return new RegExp(`^${body}${open ? '.*' : ''}$`);
}

const listOf = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Whether a request URL (path and query) is one HOPTRACE_UNTRACED_PATHS leaves untraced. */
export function untracedPaths(text: string | undefined): (url: string) => boolean {
  const patterns = listOf(text).map((glob) => patternOf(glob, '[^/]+'));
  return (url) => {
    const path = url.split('?')[0] ?? '';
    return patterns.some((p) => p.test(path));
  };
}

/** The method names HOPTRACE_UNTRACED_GRPC_METHODS lists, as instrumentation-grpc's ignoreGrpcMethods takes them. */
export const untracedGrpcMethods = (text: string | undefined): string[] => listOf(text);

/** The span attribute HOPTRACE_KAFKA_KEY_ATTRIBUTES names for a topic's message key, if any. */
export function keyAttributes(text: string | undefined): (topic: string) => string | undefined {
  const rules = listOf(text).map((item) => {
    const eq = item.lastIndexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new Error(`HOPTRACE_KAFKA_KEY_ATTRIBUTES: "${item}" is not <topic>=<attribute>`);
    return { topic: patternOf(item.slice(0, eq).trim(), ':'), attribute: item.slice(eq + 1).trim() };
  });
  return (topic) => rules.find((r) => r.topic.test(topic))?.attribute;
}

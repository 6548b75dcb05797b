/**
 * The environment variables that no service schema describes: the stack's own knobs (interpolated
 * into docker-compose.yml), the native runner's, the telemetry preload's and the SDK's, and those
 * of the tools and tests. The services' variables come from their zod schemas instead
 * (configuration.ts imports them), so only these are written by hand; the unit test in
 * test/configuration.test.ts fails when code reads a HOPTRACE_* or OTEL_* name missing here or in a
 * schema, when an entry here names something no code reads any more, and when compose gives a
 * service a variable nothing reads.
 */

export interface Variable {
  name: string;
  /** What it does, for a reader; a sentence fragment, no trailing period. */
  meaning: string;
  /** When no file holds the default (the runner's, the tools'). */
  default?: string;
}

/** `${NAME:-default}` in docker-compose.yml: the defaults and cluster.env's values are read from the files. */
export const STACK: Variable[] = [
  {
    name: 'HOPTRACE_ADMIN_TOKEN',
    meaning:
      'the admin token (at least 16 characters): admits faults and the admin API. Unset, it is generated once and kept (natively in `.hoptrace/admin-token`, with compose in the `admin-token` volume); set, it wins and is kept for later starts',
  },
  {
    name: 'HOPTRACE_ENVIRONMENT',
    meaning: "`deployment.environment.name` on every span and metric (and, when the storefront is built, on the browser's spans)",
  },
  { name: 'HOPTRACE_KAFKA_BROKERS', meaning: "every Kafka client's bootstrap list (`KAFKA_BROKERS`)" },
  { name: 'HOPTRACE_KAFKA_VOTERS', meaning: "the brokers' static KRaft controller quorum" },
  { name: 'HOPTRACE_KAFKA_PARTITIONS', meaning: 'partitions of every topic' },
  { name: 'HOPTRACE_KAFKA_REPLICATION_FACTOR', meaning: 'replicas of every topic, the internal ones included' },
  { name: 'HOPTRACE_KAFKA_MIN_INSYNC_REPLICAS', meaning: '`min.insync.replicas` of every topic, the internal ones included' },
  { name: 'HOPTRACE_KAFKA_HEAP_OPTS', meaning: "each broker's JVM heap (`KAFKA_HEAP_OPTS`)" },
  { name: 'HOPTRACE_ORDERS_URLS', meaning: "the orders instances the gateway spreads orders over (the gateway's `ORDERS_URLS`)" },
  { name: 'HOPTRACE_RATE_LIMIT', meaning: "the gateway's per-address limit of the public API (see the gateway below)" },
  { name: 'HOPTRACE_OTLP_RATE_LIMIT', meaning: "the gateway's per-address limit of the browser-span relay" },
  { name: 'HOPTRACE_W3C_HARNESS', meaning: '`1` serves the W3C Trace Context test-service endpoint `POST /__w3c/test`' },
  { name: 'JAEGER_UI_URL', meaning: 'the Jaeger UI as the browser reaches it, for the storefront\'s "View trace in Jaeger" links' },
  { name: 'LOG_LEVEL', meaning: "every app service's pino log level" },
];

/** Read by `npm start` and `npm run stack` (infra/native) and by the tools that find the running stack. */
export const RUNNER: Variable[] = [
  {
    name: 'HOPTRACE_STATE_DIR',
    default: '`.hoptrace/` in the checkout',
    meaning: 'runtime state: logs, data, pid files, the admin token, the control socket',
  },
  {
    name: 'HOPTRACE_CACHE_DIR',
    default: '`$XDG_CACHE_HOME/hoptrace`, else `~/.cache/hoptrace`',
    meaning: 'downloads and builds cached by version (Kafka jars, the Jaeger binary and UI, grpcurl, the test checkers)',
  },
  { name: 'XDG_CACHE_HOME', default: '`~/.cache`', meaning: 'where the cache goes when `HOPTRACE_CACHE_DIR` is unset' },
  {
    name: 'HOPTRACE_PG_DIR',
    default: '`/var/tmp/hoptrace-<checkout hash>`',
    meaning: "PostgreSQL's data directory (outside the checkout: the `postgres` user must be able to reach it)",
  },
  {
    name: 'HOPTRACE_JAEGER_UI_ASSETS',
    default: 'unset: the release archive from GitHub',
    meaning:
      "jaeger-ui's release build for the native Jaeger: an archive like upstream's `assets.tar.gz`, or a directory of the build (a path relative to the checkout)",
  },
  {
    name: 'COMPOSE_PROFILES',
    default: 'none',
    meaning: 'the compose profiles to run (as `--profile`); `cluster.env` sets `cluster`',
  },
];

/** Read by the telemetry preload itself (packages/telemetry), every value set in compose's x-otel or per service. */
export const PRELOAD: Variable[] = [
  { name: 'OTEL_TRACES_EXPORTER', meaning: '`otlp`: spans go through a buffer that keeps them while the collector is down' },
  {
    name: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    meaning: '`http/protobuf` (the buffered exporter); `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` overrides it for traces',
  },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', meaning: 'as `OTEL_EXPORTER_OTLP_PROTOCOL`, for traces only' },
  {
    name: 'OTEL_EXPORTER_OTLP_CERTIFICATE',
    meaning: 'secure mode: the CA the collector is checked against (also `OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE`)',
  },
  { name: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', meaning: "secure mode: the service's certificate, presented to the collector" },
  { name: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', meaning: "secure mode: that certificate's key" },
  {
    name: 'OTEL_METRICS_EXPORTER',
    meaning: '`prometheus`: a `/metrics` endpoint whose series carry the service, instance and environment as labels',
  },
  { name: 'OTEL_EXPORTER_PROMETHEUS_HOST', meaning: 'the address `/metrics` listens on' },
  { name: 'OTEL_EXPORTER_PROMETHEUS_PORT', meaning: "the port of the service's `/metrics`" },
  {
    name: 'OTEL_PROPAGATORS',
    meaning: "`tracecontext,baggage`: hoptrace's W3C Trace Context and Baggage propagators (other names are reported and skipped)",
  },
  { name: 'OTEL_BSP_SCHEDULE_DELAY', meaning: 'milliseconds between span exports' },
  { name: 'OTEL_BSP_MAX_QUEUE_SIZE', meaning: 'spans queued before any is dropped (and counted)' },
  { name: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', meaning: 'spans per export' },
  { name: 'OTEL_BSP_EXPORT_TIMEOUT', meaning: 'milliseconds an export may take (unset: the SDK default)' },
  {
    name: 'HOPTRACE_UNTRACED_PATHS',
    meaning:
      'comma-separated request paths the HTTP instrumentation does not trace; `:name` stands for one path segment, a trailing `*` for any rest',
  },
  {
    name: 'HOPTRACE_UNTRACED_GRPC_METHODS',
    meaning: 'comma-separated gRPC method names (name only, so only methods of the standard services) that are not traced',
  },
  {
    name: 'HOPTRACE_KAFKA_KEY_ATTRIBUTES',
    meaning: 'comma-separated `<topic>=<attribute>`: the message key of a topic becomes that attribute on its send and process spans',
  },
];

/** Standard variables the OpenTelemetry SDK reads itself; compose sets them. */
export const SDK: Variable[] = [
  { name: 'OTEL_SERVICE_NAME', meaning: '`service.name` of every span and metric' },
  { name: 'OTEL_RESOURCE_ATTRIBUTES', meaning: 'further resource attributes' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', meaning: 'the collector (Jaeger); the gateway also relays browser spans to it' },
  { name: 'OTEL_LOGS_EXPORTER', meaning: '`none`: logs go to stdout as JSON, not over OTLP' },
  {
    name: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS',
    meaning: 'the instrumentations that run (`fs`, `dns` and `net` are left out: orphan or costly spans)',
  },
  { name: 'OTEL_NODE_RESOURCE_DETECTORS', meaning: 'resource detectors (`serviceinstance` gives each instance its `service.instance.id`)' },
  {
    name: 'OTEL_SDK_DISABLED',
    meaning: '`true` turns tracing off; `npm run bench` sets it for its untraced rounds (`npm run stack -- restart apps --env …`)',
  },
];

/** Node's own, set in compose for every app service. */
export const NODE: Variable[] = [
  {
    name: 'NODE_OPTIONS',
    meaning: "`--max-semi-space-size=2`: a small young generation (2 MiB semi-spaces) keeps each service's memory down",
  },
  { name: 'MALLOC_ARENA_MAX', meaning: "`2`: fewer glibc malloc arenas for Node's threads" },
  { name: 'NODE_EXTRA_CA_CERTS', meaning: "secure mode: the local CA, for Node's TLS clients (the tools' too)" },
];

/** Read by the tests, the benchmark and the storefront's dev server. */
export const TOOLS: Variable[] = [
  {
    name: 'HOPTRACE_GATEWAY_URL',
    default: "the running stack's gateway",
    meaning: 'the gateway the tests, `npm run fault` and the storefront dev server (`npm run dev -w @hoptrace/storefront`) talk to',
  },
  { name: 'JAEGER_QUERY_URL', default: "the running stack's Jaeger", meaning: "Jaeger's query API, for the tests" },
  { name: 'PROMETHEUS_URL', default: "the running stack's Prometheus", meaning: 'Prometheus, for the tests' },
  { name: 'HOPTRACE_FUZZ_SEED', default: 'random, printed', meaning: 'the seed of the fuzz tests: the same seed replays a run' },
  { name: 'HOPTRACE_FUZZ_RUNS', default: '`1`', meaning: 'a factor on the number of fuzzed requests and messages' },
  {
    name: 'HOPTRACE_W3C_SUITE_DIR',
    default: '`../shared/vendor/w3c-trace-context` next to the checkout',
    meaning:
      '`npm run test:w3c`: a clone of github.com/w3c/trace-context (any folder holding its `test/test.py`) to run the conformance suite from',
  },
  { name: 'CHROMIUM_PATH', default: '`/usr/bin/chromium`', meaning: 'the Chromium Playwright drives' },
  {
    name: 'CPU_PROFILE_DIR',
    default: '`/tmp`',
    meaning: 'where `scripts/bench/cpu-profiler.cjs` writes a service\'s CPU profile (see "Finding the bottleneck" in benchmark.md)',
  },
  {
    name: 'BENCH_TRACED_ENV',
    default: 'none',
    meaning: "`K=V,K2=V2`: extra environment for the traced instance of the bench's micro-endpoint comparison only",
  },
];

/** Set by hoptrace for its own parts; listed so that a reader who meets one knows what it is. */
export const INTERNAL: Variable[] = [
  { name: 'HOPTRACE_RUN_STARTED_AT', meaning: '`npm test` tells the post-run checks when the run began (ms since the epoch)' },
  { name: 'HOPTRACE_ADMIN_TOKEN_FILE', meaning: "the image's entrypoint: where the admin token is kept (`/run/hoptrace/admin-token`)" },
  { name: 'HOPTRACE_PRINT_ADMIN_TOKEN', meaning: "the image's entrypoint: `true` on the gateway, which prints a generated token at start" },
  { name: 'HOPTRACE_SECRETS', meaning: "secure mode: the folder of generated passwords PostgreSQL's first-boot script reads" },
];

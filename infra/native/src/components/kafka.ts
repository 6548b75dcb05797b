import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ensureJmxExporter, ensureKafkaJars, ensureKafkaTools } from '../provision/kafka-jars';
import { runCommand } from '../provision/command';
import { adminKafkaOptions } from '../secure/client';
import { type NativeComponent, type NativeContext, nativeEnv, nativeString, requireHostPath } from './context';

/** Variables the apache/kafka image reads itself instead of turning them into broker properties. */
const IMAGE_VARIABLES = new Set([
  'KAFKA_HEAP_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_VERSION',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
]);

/**
 * Broker properties from the container's environment, by the apache/kafka image's rule:
 * drop `KAFKA_`, lower-case, `___` → `-`, `__` → `_`, `_` → `.`.
 */
export function kafkaProperties(env: Record<string, string>): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('KAFKA_') || IMAGE_VARIABLES.has(key)) continue;
    const name = key
      .slice('KAFKA_'.length)
      .toLowerCase()
      .replace(/___/g, '\u0001')
      .replace(/__/g, '\u0002')
      .replace(/_/g, '.')
      .replace(/\u0001/g, '-')
      .replace(/\u0002/g, '_');
    props[name] = value;
  }
  return props;
}

/** `NAME://host:port,…` with each port mapped to its native one (the host, empty for all interfaces, kept). */
export function nativeListeners(value: string, port: (containerPort: number) => number): string {
  return value
    .split(',')
    .map((l) => l.trim().replace(/:(\d+)$/, (_m, p: string) => `:${port(Number(p))}`))
    .join(',');
}

const JAVAAGENT = /^-javaagent:([^=]+)=(?:([^:]+):)?(\d+):(.+)$/;

/**
 * KAFKA_OPTS natively: the JMX exporter's `-javaagent:<jar>=<port>:<config>` (the image's paths)
 * becomes the cached jar, the native port and the rules file from the checkout.
 */
export function nativeKafkaOpts(
  opts: string[],
  agentJar: string | undefined,
  port: (containerPort: number) => number,
  hostFile: (containerPath: string) => string,
): string[] {
  return opts.map((opt) => {
    const agent = JAVAAGENT.exec(opt);
    if (!agent) return opt;
    if (!agentJar)
      throw new Error(`KAFKA_OPTS names a Java agent (${agent[1]}) but x-native.jmx_exporter does not say which version to fetch`);
    return `-javaagent:${agentJar}=${agent[2] ? `${agent[2]}:` : ''}${port(Number(agent[3]))}:${hostFile(agent[4]!)}`;
  });
}

export function createKafka(ctx: NativeContext): NativeComponent {
  const version = nativeString(ctx, 'version');
  const jmxExporter = typeof ctx.service.native?.jmx_exporter === 'string' ? ctx.service.native.jmx_exporter : undefined;
  const port = (containerPort: number) => ctx.addresses.port(ctx.service.name, containerPort);
  const env = nativeEnv(ctx);
  if (env.KAFKA_LISTENERS) env.KAFKA_LISTENERS = nativeListeners(env.KAFKA_LISTENERS, port);
  const clusterId = env.CLUSTER_ID;
  if (!clusterId) throw new Error(`services.${ctx.service.name}.environment.CLUSTER_ID must be set in docker-compose.yml`);
  const libs = join(ctx.paths.cache, 'kafka', version, 'libs');
  const dir = join(ctx.paths.state, ctx.service.name);
  const propsFile = join(dir, 'server.properties');
  const logDirs = requireHostPath(ctx, ctx.service.environment.KAFKA_LOG_DIRS ?? '/var/lib/kafka/data');
  const bootstrap = `${ctx.addresses.host}:${port(9092)}`;
  const classpath = `${libs}/*`;
  const opts = (name: string, fallback: string) => (env[name] ?? fallback).split(/\s+/).filter(Boolean);
  // From the compose file as written: nativeKafkaOpts maps the agent's container paths itself
  // (nativeEnv has already turned paths on volumes into host paths).
  const kafkaOpts = (ctx.service.environment.KAFKA_OPTS ?? '').split(/\s+/).filter(Boolean);
  const agentPorts = kafkaOpts.flatMap((o) => {
    const m = JAVAAGENT.exec(o);
    return m ? [port(Number(m[3]))] : [];
  });
  const listenerPorts = (env.KAFKA_LISTENERS ?? '')
    .split(',')
    .flatMap((l) => /:(\d+)$/.exec(l.trim())?.[1] ?? [])
    .map(Number);
  let agentJar: string | undefined;
  const provision = [
    {
      label: `Kafka ${version} jars (Maven Central, ~60 MB on first run)`,
      run: async () => {
        await ensureKafkaJars(ctx.paths.cache, version);
      },
    },
    // kafka-metadata-quorum and the other tools, which the failure drills use to find the controller leader.
    {
      label: `Kafka ${version} tools (Maven Central)`,
      run: async () => {
        await ensureKafkaTools(ctx.paths.cache, version);
      },
    },
    ...(jmxExporter
      ? [
          {
            label: `${ctx.service.name}: JMX exporter ${jmxExporter} (Maven Central)`,
            run: async () => {
              agentJar = await ensureJmxExporter(ctx.paths.cache, jmxExporter);
            },
          },
        ]
      : []),
  ];
  // Read when used: the runner (re)generates the CA and passwords after planning (--fresh rotates them).
  const security = () => (ctx.pki ? adminKafkaOptions(ctx.pki) : {});
  // Secure mode: a SCRAM-SHA-512 user for every identity with a Kafka password, written into the
  // metadata log when the storage is formatted (KRaft has no ZooKeeper to add them to later).
  const scramUsers = () => {
    if (!ctx.pki) return [];
    const secrets = join(ctx.pki.dir, 'secrets');
    return readdirSync(secrets)
      .filter((f) => f.startsWith('kafka-'))
      .sort()
      .flatMap((f) => [
        '--add-scram',
        `SCRAM-SHA-512=[name=${f.slice('kafka-'.length)},password=${readFileSync(join(secrets, f), 'utf8').trim()}]`,
      ]);
  };

  return {
    name: ctx.service.name,
    kind: 'kafka',
    ports: [...listenerPorts, ...agentPorts, ...ctx.service.ports.map((p) => p.host)].filter((p, i, all) => all.indexOf(p) === i),
    debian: [],
    provision,
    readyTimeoutMs: 120_000,
    urls: [{ label: `Kafka bootstrap (${ctx.service.name})`, url: bootstrap }],
    async prepare() {
      mkdirSync(dir, { recursive: true });
      mkdirSync(logDirs, { recursive: true });
      const props = { ...kafkaProperties(env), 'log.dirs': logDirs };
      writeFileSync(
        propsFile,
        `# generated by infra/native from docker-compose.yml\n${Object.entries(props)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n')}\n`,
      );
      if (!existsSync(join(logDirs, 'meta.properties'))) {
        await runCommand(
          'java',
          ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile, '--ignore-formatted', ...scramUsers()],
          { secretArgs: Boolean(ctx.pki) },
        );
      }
    },
    launch() {
      // The same JVM options the apache/kafka image takes from these variables.
      const heap = opts('KAFKA_HEAP_OPTS', '-Xmx512m -Xms512m');
      const performance = opts('KAFKA_JVM_PERFORMANCE_OPTS', '-XX:+UseG1GC -XX:MaxGCPauseMillis=20');
      const agent = nativeKafkaOpts(
        kafkaOpts,
        agentJar ?? (jmxExporter && join(ctx.paths.cache, 'jmx-exporter', jmxExporter, `jmx_prometheus_javaagent-${jmxExporter}.jar`)),
        port,
        (p) => requireHostPath(ctx, p),
      );
      return {
        command: 'java',
        args: [
          ...heap,
          ...performance,
          ...agent,
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          `-Dkafka.logs.dir=${join(dir, 'logs')}`,
          `-Dlog4j2.configurationFile=${join(ctx.paths.root, 'infra', 'kafka', 'log4j2.properties')}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          propsFile,
        ],
        env,
        cwd: dir,
        stopTimeoutMs: 30_000,
      };
    },
    // The compose healthcheck asks the broker for its API versions; a Metadata round trip
    // through a real client is the same proof that it serves requests.
    async ready() {
      const admin = new Kafka({
        clientId: 'hoptrace-native-ready',
        brokers: [bootstrap],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 2000,
        requestTimeout: 3000,
        retry: { retries: 0 },
        ...security(),
      }).admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0;
      } finally {
        await admin.disconnect();
      }
    },
    // Secure mode: each service's ACLs, derived from its descriptor (packages/kit's kafkaGrants), once
    // the broker serves; loaded only now because packages are built by then.
    async afterReady() {
      if (!ctx.pki) return;
      const [{ applyKafkaAcls }, { SERVICE_LIST }] = await Promise.all([import('@hoptrace/kit'), import('@hoptrace/contracts')]);
      await applyKafkaAcls(
        new Kafka({ clientId: 'hoptrace-native-acls', brokers: [bootstrap], logLevel: logLevel.NOTHING, ...security() }),
        SERVICE_LIST,
      );
    },
  };
}

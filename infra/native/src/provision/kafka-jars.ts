import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, runCommand } from './command';

/** log4j2 binding for the SLF4J 1.x API that Kafka 4.x logs through (not the slf4j2 one). */
const LOG4J_SLF4J = 'org.apache.logging.log4j:log4j-slf4j-impl:2.24.3';

function pom(artifact: string, version: string, dependencies: string[]): string {
  const deps = dependencies.map((coordinates) => {
    const [groupId, artifactId, v] = coordinates.split(':');
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${v}</version></dependency>`;
  });
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hoptrace.native</groupId>
  <artifactId>${artifact}</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${deps.join('\n')}
  </dependencies>
</project>
`;
}

async function requireJavaAndMaven(what: string): Promise<void> {
  for (const tool of ['java', 'mvn']) {
    if (!(await commandExists(tool)))
      throw new Error(
        `${tool} is needed to fetch and run ${what}; install Java 17 and Maven (Debian: apt-get install -y openjdk-17-jre-headless maven)`,
      );
  }
}

/**
 * `dependencies` and their runtime dependencies from Maven Central, copied once into
 * `<cache>/<key>/libs` (the key names what and which version); returns that directory.
 */
async function ensureClasspath(cache: string, key: string, what: string, dependencies: string[]): Promise<string> {
  const dir = join(cache, key);
  const libs = join(dir, 'libs');
  if (existsSync(join(dir, '.complete'))) return libs;
  await requireJavaAndMaven(what);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom(key.replace(/\W+/g, '-'), key.split('/').pop()!, dependencies));
  rmSync(join(dir, 'libs.partial'), { recursive: true, force: true });
  await runCommand('mvn', ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', '-DoutputDirectory=libs.partial'], {
    cwd: dir,
    label: `downloading ${what} from Maven Central`,
  });
  rmSync(libs, { recursive: true, force: true });
  renameSync(join(dir, 'libs.partial'), libs);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return libs;
}

/** The broker's classpath: org.apache.kafka:kafka_2.13 and its runtime dependencies. */
export function ensureKafkaJars(cache: string, version: string): Promise<string> {
  return ensureClasspath(cache, `kafka/${version}`, `Kafka ${version} jars`, [`org.apache.kafka:kafka_2.13:${version}`, LOG4J_SLF4J]);
}

/**
 * Kafka's command-line tools (org.apache.kafka:kafka-tools: kafka-metadata-quorum's
 * MetadataQuorumCommand among them), kept apart from the broker's classpath so that the
 * broker's cache entry, shared by every checkout, stays as it is.
 */
export function ensureKafkaTools(cache: string, version: string): Promise<string> {
  return ensureClasspath(cache, `kafka-tools/${version}`, `Kafka ${version} tools`, [
    `org.apache.kafka:kafka-tools:${version}`,
    LOG4J_SLF4J,
  ]);
}

export const JMX_EXPORTER = 'io.prometheus.jmx:jmx_prometheus_javaagent';

/**
 * The Prometheus JMX exporter's Java agent (one self-contained jar), cached by version; returns
 * its path.
 */
export async function ensureJmxExporter(cache: string, version: string): Promise<string> {
  const dir = join(cache, 'jmx-exporter', version);
  const jar = join(dir, `jmx_prometheus_javaagent-${version}.jar`);
  if (existsSync(join(dir, '.complete')) && existsSync(jar)) return jar;
  await requireJavaAndMaven(`the JMX exporter ${version}`);
  mkdirSync(dir, { recursive: true });
  await runCommand(
    'mvn',
    ['-B', '-q', 'dependency:copy', `-Dartifact=${JMX_EXPORTER}:${version}`, '-Dtransitive=false', `-DoutputDirectory=${dir}`],
    { cwd: dir, label: `downloading the JMX exporter ${version} from Maven Central` },
  );
  if (!existsSync(jar)) throw new Error(`Maven did not leave ${jar}`);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return jar;
}

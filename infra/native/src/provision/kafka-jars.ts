import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, runCommand } from './command';

/** log4j2 binding for the SLF4J 1.x API that Kafka 4.x logs through (not the slf4j2 one). */
const LOG4J_SLF4J = 'org.apache.logging.log4j:log4j-slf4j-impl:2.24.3';

function pom(version: string): string {
  const [group, artifact, log4jVersion] = LOG4J_SLF4J.split(':');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hoptrace.native</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${log4jVersion}</version></dependency>
  </dependencies>
</project>
`;
}

/**
 * The broker's classpath: org.apache.kafka:kafka_2.13 and its runtime dependencies from Maven
 * Central, in the cache under the Kafka version. Returns the directory of jars.
 */
export async function ensureKafkaJars(cache: string, version: string): Promise<string> {
  const dir = join(cache, 'kafka', version);
  const libs = join(dir, 'libs');
  if (existsSync(join(dir, '.complete'))) return libs;
  for (const tool of ['java', 'mvn']) {
    if (!(await commandExists(tool))) throw new Error(`${tool} is needed to fetch and run Kafka ${version}; install Java 17 and Maven (Debian: apt-get install -y openjdk-17-jre-headless maven)`);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pom(version));
  rmSync(join(dir, 'libs.partial'), { recursive: true, force: true });
  await runCommand('mvn', ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', '-DoutputDirectory=libs.partial'],
    { cwd: dir, label: `downloading Kafka ${version} jars from Maven Central` });
  rmSync(libs, { recursive: true, force: true });
  renameSync(join(dir, 'libs.partial'), libs);
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  return libs;
}

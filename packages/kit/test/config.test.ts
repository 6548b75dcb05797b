import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from '../src/config';

const Config = z.object({
  PORT: env.port(8080),
  DATABASE_URL: env.url('the orders database, postgres://…'),
  KAFKA_BROKERS: env.list('Kafka bootstrap servers, comma-separated'),
  REQUEST_TIMEOUT_MS: env.ms(2000, 'timeout of calls to other services'),
  LOG_LEVEL: env.logLevel(),
});

const complete = {
  DATABASE_URL: 'postgres://postgres@localhost:55432/orders',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093,',
};

function configError(environment: NodeJS.ProcessEnv): string {
  try {
    loadConfig(Config, environment);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('loadConfig did not throw');
}

test('a complete environment is parsed, coerced and defaulted', () => {
  assert.deepEqual(loadConfig(Config, { ...complete, PORT: '3001', UNRELATED: 'x' }), {
    PORT: 3001,
    DATABASE_URL: complete.DATABASE_URL,
    KAFKA_BROKERS: ['127.0.0.1:9092', '127.0.0.1:9093'],
    REQUEST_TIMEOUT_MS: 2000,
    LOG_LEVEL: 'info',
  });
});

test('a missing variable is named, with what it should be', () => {
  const message = configError({ KAFKA_BROKERS: '127.0.0.1:9092' });
  assert.match(message, /^invalid configuration:/);
  assert.match(message, /set DATABASE_URL: .*\(the orders database, postgres:\/\/…\)/);
  assert.doesNotMatch(message, /KAFKA_BROKERS/);
});

test('a wrong value is named: a port out of range', () => {
  const message = configError({ ...complete, PORT: '70000' });
  assert.match(message, /set PORT: .*\(TCP port to listen on\)/);
});

test('a wrong value is named: a log level that does not exist', () => {
  const message = configError({ ...complete, LOG_LEVEL: 'verbose' });
  assert.match(message, /set LOG_LEVEL: /);
});

test('every wrong variable gets its own line', () => {
  const message = configError({ PORT: 'eighty', REQUEST_TIMEOUT_MS: '-5' });
  const lines = message
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(':')[0]);
  assert.deepEqual(lines.sort(), ['set DATABASE_URL', 'set KAFKA_BROKERS', 'set PORT', 'set REQUEST_TIMEOUT_MS']);
});

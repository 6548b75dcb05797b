import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envFromFlags, parseExtraEnv } from '../src/control';

test('--env NAME=value flags become an environment; a value may hold "="', () => {
  assert.deepEqual(envFromFlags(['OTEL_SDK_DISABLED=true', 'NODE_OPTIONS=--cpu-prof --cpu-prof-dir=/tmp/p']), {
    OTEL_SDK_DISABLED: 'true',
    NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=/tmp/p',
  });
  assert.deepEqual(envFromFlags(['EMPTY=']), { EMPTY: '' });
  assert.throws(() => envFromFlags(['OTEL_SDK_DISABLED']), /--env wants NAME=value/);
  assert.throws(() => envFromFlags(['1BAD=x']), /--env wants NAME=value/);
});

test('the runner accepts a restart body naming variables with string values, and says what is wrong otherwise', () => {
  assert.deepEqual(parseExtraEnv(''), {});
  assert.deepEqual(parseExtraEnv('{"env":{"A":"1"}}'), { A: '1' });
  assert.match(String(parseExtraEnv('{')), /must be JSON/);
  assert.match(String(parseExtraEnv('{"env":{"A":1}}')), /env.A must be a string/);
  assert.match(String(parseExtraEnv('{"env":{"a-b":"1"}}')), /"a-b" is not a variable name/);
  assert.match(String(parseExtraEnv('{"env":[]}')), /env must be an object/);
});

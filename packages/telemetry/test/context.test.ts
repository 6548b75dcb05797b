import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { setHttpRoute } from '../src/context';

test('setHttpRoute names the request in hand by its route, and does nothing outside an HTTP request', () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const span = trace.wrapSpanContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 1,
  });
  const http = setRPCMetadata(ROOT_CONTEXT, { type: RPCType.HTTP, span });
  context.with(http, () => setHttpRoute('/orders/:id'));
  assert.equal(getRPCMetadata(http)?.route, '/orders/:id');
  assert.doesNotThrow(() => context.with(ROOT_CONTEXT, () => setHttpRoute('/x')));
  context.disable();
});

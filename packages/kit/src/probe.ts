/**
 * `node packages/kit/dist/probe.js <url>`: secure mode's compose health check. A service with
 * mutual TLS answers only a client with a certificate of the stack's CA, so the probe presents the
 * container's own (TLS_* variables, read like the service reads them). Exit 0 when the URL answers 2xx.
 */
import { Agent } from 'undici';
import { readTlsIdentity } from './tls';

const url = process.argv[2];
const identity = readTlsIdentity();
const dispatcher = identity ? new Agent({ connect: { ...identity } }) : undefined;
fetch(url ?? '', { dispatcher, signal: AbortSignal.timeout(4000) } as RequestInit).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);

import { credentials, makeClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import type { TlsIdentity } from '@hoptrace/kit';
import { service as healthService } from 'grpc-health-check';
import { grpcCredentials } from './client';

type HealthClient = Client & {
  check(
    request: { service: string },
    options: { deadline: number },
    cb: (err: ServiceError | null, res?: { status: string }) => void,
  ): void;
};
const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health') as unknown as new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => HealthClient;

/** `grpc://host:port` (or `host:port`) as grpc-js takes an address. */
export const grpcAddress = (target: string) => target.replace(/^grpc:\/\//, '').replace(/\/+$/, '');

/**
 * The standard gRPC health check (grpc.health.v1.Health/Check): resolves when `service` ('' for
 * the server as a whole) is SERVING, rejects with what it answered otherwise.
 */
export async function checkGrpcHealth(target: string, service = '', timeoutMs = 2000, tls?: TlsIdentity): Promise<void> {
  const client = new HealthClient(grpcAddress(target), grpcCredentials(tls));
  try {
    const status = await new Promise<string | undefined>((resolve, reject) => {
      client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(new Error(`${target}: ${err.details || err.message}`)) : resolve(res?.status),
      );
    });
    if (status !== 'SERVING') throw new Error(`${target}: ${service || 'the server'} is ${status ?? 'UNKNOWN'}`);
  } finally {
    client.close();
  }
}

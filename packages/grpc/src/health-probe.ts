/**
 * A gRPC health check as a command, for compose's healthcheck (and the native runner, which runs
 * the same command): `node packages/grpc/dist/health-probe.js grpc://localhost:50051 [service]`
 * exits 0 when SERVING, 1 otherwise, saying why on stderr. Inside the app image no grpcurl or
 * grpc_health_probe binary exists; Node and grpc-js do. In secure mode it presents the container's
 * certificate from its TLS_* variables, as the kit's probe does over HTTPS.
 */
import { readTlsIdentity } from '@hoptrace/kit';
import { checkGrpcHealth } from './health';

const [target, service = ''] = process.argv.slice(2);
if (!target) {
  console.error('usage: health-probe.js grpc://host:port [service]');
  process.exit(2);
}
// Secure mode: the container's own certificate (TLS_* variables), as the service's clients present theirs.
checkGrpcHealth(target, service, 2000, readTlsIdentity()).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);

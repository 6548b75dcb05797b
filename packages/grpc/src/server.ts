import { create, type DescService } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { runWithDeadline, type Logger, type TlsIdentity } from '@hoptrace/kit';
import {
  Server,
  ServerCredentials,
  status,
  type handleUnaryCall,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import {
  MalformedRequest,
  fileDescriptorProtos,
  serviceDefinition,
  withProtocMapEntryNames,
  type Request,
  type ResponseInit,
} from './definition';
import { toStatus } from './errors';

/** What a handler and the middleware around it know of the call in hand. */
export interface CallInfo {
  /** `/package.Service/Method`: what fault routes and logs name. */
  path: string;
  /** Aborted when the caller cancels or its deadline passes (grpc-js ends the call then). */
  signal: AbortSignal;
}

/**
 * Runs around every call of the services a server serves (not health or reflection), inside the
 * call's context: the instrumentation's server span and the caller's baggage. Fault admission and
 * injection plug in here (the grpc package knows no faults), as they do into createHttpApp.
 */
export type CallMiddleware = (call: CallInfo, next: () => Promise<void>) => Promise<void>;

export type Handlers<S extends GenServiceMethods> = {
  [K in keyof S]: (request: Request<S, K>, call: CallInfo) => Promise<ResponseInit<S, K>>;
};

export interface ServedService<S extends GenServiceMethods = GenServiceMethods> {
  service: GenService<S>;
  handlers: Handlers<S>;
}

/** Pairs a generated service with its handlers, typed method by method. */
export const serve = <S extends GenServiceMethods>(service: GenService<S>, handlers: Handlers<S>): ServedService =>
  ({ service, handlers }) as unknown as ServedService;

export interface GrpcServerOptions {
  services: ServedService[];
  middleware?: CallMiddleware[];
  logger: Logger;
  /** Secure mode: TLS with the service's certificate, and a client certificate of the same CA required. */
  tls?: TlsIdentity;
}

/** How long a graceful stop waits for calls in flight before the rest are cancelled. */
export const GRPC_STOP_DEADLINE_MS = 5_000;

const signalOf = (call: ServerUnaryCall<unknown, unknown>): AbortSignal => {
  const controller = new AbortController();
  if (call.cancelled) controller.abort();
  else call.once('cancelled', () => controller.abort());
  return controller.signal;
};

function unary(
  service: DescService,
  method: DescService['methods'][number],
  handler: ServedService['handlers'][string],
  middleware: CallMiddleware[],
  logger: Logger,
): handleUnaryCall<unknown, unknown> {
  const path = `/${service.typeName}/${method.name}`;
  return (call, callback) => {
    const info: CallInfo = { path, signal: signalOf(call) };
    let response: unknown;
    const chain = middleware.reduceRight<() => Promise<void>>(
      (next, mw) => () => mw(info, next),
      async () => {
        if (call.request instanceof MalformedRequest) {
          throw Object.assign(new Error(`the request is not a ${method.input.typeName}: ${call.request.reason}`), {
            malformed: true,
          });
        }
        response = create(method.output, await (handler as (r: unknown, c: CallInfo) => Promise<never>)(call.request, info));
      },
    );
    const deadline = call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : deadline;
    // Called even after the caller gave up (grpc-js then sends nothing): the server span ends with it.
    const work = () =>
      chain().then(
        () => callback(null, response),
        (err: unknown) => {
          if ((err as { malformed?: boolean }).malformed) {
            callback({ code: status.INVALID_ARGUMENT, details: (err as Error).message });
            return;
          }
          const answer = toStatus(err);
          if (answer.code === status.INTERNAL) logger.error({ err, path }, 'gRPC handler failed');
          callback(answer);
        },
      );
    // The caller's deadline is this call's time budget, as x-hoptrace-budget-ms is over HTTP.
    if (Number.isFinite(at)) runWithDeadline(at, work);
    else void work();
  };
}

/**
 * `server`, for a library that adds its own service (grpc-health-check): grpc-js answers bytes its
 * deserializer cannot read with INTERNAL, which would make a stranger's garbage look like the
 * server failing; through this, they are INVALID_ARGUMENT, as they are for our own services.
 */
function refusingMalformed(server: Server): Pick<Server, 'addService'> {
  const refused = (request: unknown) =>
    request instanceof MalformedRequest
      ? { code: status.INVALID_ARGUMENT, details: `the request is not readable: ${request.reason}` }
      : undefined;
  return {
    addService: (definition, implementation) =>
      server.addService(
        Object.fromEntries(
          Object.entries(definition).map(([name, method]) => [
            name,
            {
              ...method,
              requestDeserialize: (bytes: Buffer) => {
                try {
                  return method.requestDeserialize(bytes);
                } catch (err) {
                  return new MalformedRequest((err as Error).message);
                }
              },
            },
          ]),
        ) as typeof definition,
        Object.fromEntries(
          Object.entries(implementation).map(([name, handler]) => [
            name,
            (call: { request: unknown; emit(event: 'error', err: unknown): void }, callback?: (err: unknown) => void) => {
              const problem = refused(call.request);
              if (!problem) return (handler as (...args: unknown[]) => unknown)(call, callback);
              if (callback) callback(problem);
              else call.emit('error', problem); // a server stream (Watch) ends with the status
              return undefined;
            },
          ]),
        ) as UntypedServiceImplementation,
      ),
  };
}

/**
 * A grpc-js server for the given services, with the standard health service (grpc.health.v1:
 * SERVING for the server as a whole, '', and for each service by its full name, until the stop
 * begins) and server reflection (v1 and v1alpha), so that tools like grpcurl need no .proto file.
 */
export class GrpcServer {
  private readonly server = new Server();
  private readonly health: HealthImplementation;
  private readonly names: string[];

  constructor(private readonly options: GrpcServerOptions) {
    const { services, middleware = [], logger } = options;
    this.names = services.map((s) => s.service.typeName);
    this.health = new HealthImplementation(Object.fromEntries(['', ...this.names].map((n) => [n, 'NOT_SERVING' as const])));
    for (const { service, handlers } of services) {
      const implementation: UntypedServiceImplementation = Object.fromEntries(
        service.methods.map((m) => {
          const handler = handlers[m.localName];
          if (!handler) throw new Error(`${service.typeName}/${m.name} has no handler`);
          return [m.localName, unary(service, m, handler, middleware, logger)];
        }),
      );
      this.server.addService(serviceDefinition(service), implementation);
    }
    this.health.addToServer(refusingMalformed(this.server));
    // Reflection reads `fileDescriptorProtos` of each entry, as @grpc/proto-loader would give them.
    const health = Object.values(healthService)[0]!.requestType.fileDescriptorProtos as Buffer[];
    new ReflectionService({
      ...Object.fromEntries(services.map((s) => [s.service.typeName, { fileDescriptorProtos: fileDescriptorProtos(s.service) }])),
      'grpc.health.v1': { fileDescriptorProtos: health.map(withProtocMapEntryNames) },
    } as never).addToServer(this.server);
  }

  /** Binds the port and reports SERVING. Resolves with the port bound (0 picks a free one). */
  async start(port: number, host = '0.0.0.0'): Promise<number> {
    const bound = await new Promise<number>((resolve, reject) => {
      const { tls } = this.options;
      const creds = tls
        ? ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], true)
        : ServerCredentials.createInsecure();
      this.server.bindAsync(`${host}:${port}`, creds, (err, p) => (err ? reject(err) : resolve(p)));
    });
    for (const name of ['', ...this.names]) this.health.setStatus(name, 'SERVING');
    return bound;
  }

  /**
   * NOT_SERVING first (a health-checking client stops sending), then no new calls and the ones
   * in flight finish; after `deadlineMs` the rest are cancelled.
   */
  async stop(deadlineMs = GRPC_STOP_DEADLINE_MS): Promise<void> {
    for (const name of ['', ...this.names]) this.health.setStatus(name, 'NOT_SERVING');
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.options.logger.warn({ deadlineMs }, 'gRPC calls still in flight at the stop deadline: cancelled');
        this.server.forceShutdown();
        resolve();
      }, deadlineMs);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

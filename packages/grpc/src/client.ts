import { create, type DescMethod, type DescService, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { callTimeoutMs, DependencyUnavailable, withRetries, type TlsIdentity } from '@hoptrace/kit';
import { credentials, makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { serviceDefinition } from './definition';
import { fromStatus } from './errors';

/** Plaintext, or in secure mode mutual TLS with the stack's CA. */
export const grpcCredentials = (tls?: TlsIdentity) =>
  tls ? credentials.createSsl(tls.ca, tls.key, tls.cert) : credentials.createInsecure();

/**
 * grpc-js waits up to 120 s between reconnects to a server that was down; calls fail at once
 * meanwhile. A hop inside one stack reconnects within 2 s of the callee coming back instead.
 */
const CHANNEL_OPTIONS = { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 2000 };

export interface CallOptions {
  /** At most this long (the client's default otherwise); never past the request's time budget. */
  timeoutMs?: number;
  /** Compensation (a refund) must happen even when the request that needs it has used up its budget. */
  ignoreBudget?: boolean;
}

type Method<S extends GenServiceMethods, K extends keyof S> = GenService<S>['method'][K];

/**
 * Unary calls to a gRPC service, within the request's time budget: the deadline is what is left
 * of it (so `grpc-timeout` shrinks hop by hop, as x-hoptrace-budget-ms does over HTTP). A method
 * the contract marks idempotent (idempotency_level) is retried with backoff on UNAVAILABLE-like
 * failures while the budget lasts; a deadline is never retried, nor is any other method. Errors
 * are the kit's (errors.ts). The instrumentation-grpc client span covers each attempt.
 */
export class GrpcClient<S extends GenServiceMethods> {
  private readonly client: Client &
    Record<string, (req: unknown, options: object, cb: (err: ServiceError | null, res: unknown) => void) => void>;

  /** `tls`: secure mode, mutual TLS (the callee verified against the CA, this service's certificate presented). */
  constructor(
    readonly dependency: string,
    private readonly service: GenService<S>,
    address: string,
    readonly timeoutMs: number,
    tls?: TlsIdentity,
  ) {
    const Constructor = makeGenericClientConstructor(serviceDefinition(service as unknown as DescService), service.typeName);
    this.client = new Constructor(address, grpcCredentials(tls), CHANNEL_OPTIONS) as never;
  }

  async call<K extends keyof S & string>(
    name: K,
    request: MessageInitShape<Method<S, K>['input']>,
    options: CallOptions = {},
  ): Promise<MessageShape<Method<S, K>['output']>> {
    const method = this.service.method[name] as unknown as DescMethod;
    const idempotent = method.idempotency !== MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN;
    const message = create(method.input, request as never);
    return withRetries(idempotent, options.ignoreBudget, () => this.once(method, message, options)) as Promise<
      MessageShape<Method<S, K>['output']>
    >;
  }

  private once(method: DescMethod, request: unknown, options: CallOptions): Promise<unknown> {
    const timeoutMs = callTimeoutMs(options.timeoutMs ?? this.timeoutMs, options.ignoreBudget);
    if (timeoutMs <= 0)
      return Promise.reject(new DependencyUnavailable(this.dependency, 'the time budget of the request is used up; not called'));
    return new Promise((resolve, reject) => {
      this.client[method.localName]!(request, { deadline: Date.now() + timeoutMs }, (err, response) => {
        if (err) reject(fromStatus(this.dependency, err));
        else resolve(response);
      });
    });
  }

  close(): void {
    this.client.close();
  }
}

import { GRPC_ERROR_METADATA } from '@hoptrace/contracts';
import { AppError, DependencyUnavailable, TIMED_OUT } from '@hoptrace/kit';
import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';

/**
 * The kit's errors as gRPC statuses, and back, so that a caller answers exactly what it would
 * have answered over HTTP: the status code is the kind of failure, the error code and the named
 * fields travel in the trailing metadata (GRPC_ERROR_METADATA).
 */
const BY_HTTP_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  402: status.FAILED_PRECONDITION,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  422: status.INVALID_ARGUMENT,
  503: status.UNAVAILABLE,
  504: status.DEADLINE_EXCEEDED,
};

const HTTP_STATUS_OF: Partial<Record<status, number>> = {
  [status.FAILED_PRECONDITION]: 402,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
};

/** What a handler's error is sent as. An error that is not an AppError is a bug: no details leave. */
export function toStatus(err: unknown): Partial<StatusObject> {
  const metadata = new Metadata();
  if (!(err instanceof AppError)) return { code: status.INTERNAL, details: 'internal error', metadata };
  metadata.set(GRPC_ERROR_METADATA.code, err.code);
  if (err.fields) metadata.set(GRPC_ERROR_METADATA.fields, Buffer.from(JSON.stringify(err.fields)));
  // Any other server error (an injected one is a 500) is the callee failing: retriable where idempotent.
  const code = BY_HTTP_STATUS[err.status] ?? (err.status >= 500 ? status.UNAVAILABLE : status.FAILED_PRECONDITION);
  return { code, details: err.message, metadata };
}

function fieldsOf(metadata: Metadata | undefined): Record<string, string> | undefined {
  const raw = metadata?.get(GRPC_ERROR_METADATA.fields)[0];
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw) as unknown;
    return parsed && typeof parsed === 'object' ? Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)])) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A failed call as the AppError the caller throws: the callee's own 4xx answer (declined, invalid,
 * not found, conflict) comes back as that AppError; being down, too slow or broken is
 * DependencyUnavailable, with the callee's error code as `upstreamCode` (a deadline: TIMED_OUT).
 */
export function fromStatus(dependency: string, err: ServiceError): AppError {
  const code = String(err.metadata?.get(GRPC_ERROR_METADATA.code)[0] ?? '') || undefined;
  if (err.code === status.DEADLINE_EXCEEDED)
    return new DependencyUnavailable(dependency, `no answer within the deadline (${err.details})`, TIMED_OUT);
  if (err.code === status.INVALID_ARGUMENT) {
    const fields = fieldsOf(err.metadata);
    return new AppError(code === 'validation_failed' || fields ? 422 : 400, code ?? 'invalid_argument', err.details, fields);
  }
  const http = HTTP_STATUS_OF[err.code];
  if (http !== undefined && code) return new AppError(http, code, err.details, fieldsOf(err.metadata));
  return new DependencyUnavailable(dependency, `${status[err.code] ?? err.code}${err.details ? ` (${err.details})` : ''}`, code);
}

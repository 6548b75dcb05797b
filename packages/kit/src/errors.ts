/**
 * Errors the domain throws; one Koa middleware turns them into the JSON error shape
 * `{ error: { code, message, fields? }, orderId? }` and a status code.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    readonly orderId?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The same error, now that an order row exists for it. */
  forOrder(orderId: string): AppError {
    return new AppError(this.status, this.code, this.message, this.fields, orderId);
  }
}

export class BadRequest extends AppError {
  constructor(code: string, message: string, fields?: Record<string, string>) {
    super(400, code, message, fields);
  }
}

export class ValidationFailed extends AppError {
  constructor(fields: Record<string, string>, message = `invalid ${Object.keys(fields).join(', ')}`) {
    super(422, 'validation_failed', message, fields);
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class Conflict extends AppError {
  constructor(code: string, message: string, fields?: Record<string, string>) {
    super(409, code, message, fields);
  }
}

export class PaymentDeclined extends AppError {
  constructor(code: string, message: string) {
    super(402, code, message);
  }
}

/** A dependency is down, too slow, or answered with a server error: the caller may retry later. */
export class DependencyUnavailable extends AppError {
  constructor(
    readonly dependency: string,
    detail: string,
    readonly upstreamCode?: string,
  ) {
    super(503, 'dependency_unavailable', `${dependency} is unavailable: ${detail}`);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

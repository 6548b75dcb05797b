import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. The pino instrumentation adds trace_id and span_id to every line written inside a
 * span. Personal data is redacted by field name in case a payload is ever logged whole.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'email',
        '*.email',
        'customer.email',
        'payment',
        '*.payment',
        'card',
        '*.card',
        'cardNumber',
        '*.cardNumber',
        'cvc',
        '*.cvc',
        'authorization',
        'headers.authorization',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
    formatters: { level: (label) => ({ level: label }) },
  });
}

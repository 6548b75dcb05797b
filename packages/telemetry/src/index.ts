export { flushTelemetry, shutdownTelemetry } from './shutdown';
export { activeTraceId, setHttpRoute, traceResponseHeader } from './context';
export { BAGGAGE_LIMITS, LimitedBaggagePropagator, limitBaggage, propagatorFromEnv, TraceContextPropagator } from './propagators';
export { MAX_TRACE_STATE_LENGTH, MAX_TRACE_STATE_MEMBERS, W3CTraceState } from './trace-state';
export { formatTraceparent, parseTraceparent, TRACE_FLAG_RANDOM, TRACE_FLAG_SAMPLED, type Traceparent } from './traceparent';
export { keyAttributes, untracedPaths } from './preload-config';

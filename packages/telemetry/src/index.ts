export { flushTelemetry, shutdownTelemetry } from './shutdown';
export { activeTraceId, setHttpRoute, traceResponseHeader } from './context';
export { BAGGAGE_LIMITS, LimitedBaggagePropagator, limitBaggage, propagatorFromEnv, TraceContextPropagator } from './propagators';
export { MAX_TRACE_STATE_MEMBERS, W3CTraceState } from './trace-state';
export { keyAttributes, untracedPaths } from './preload-config';

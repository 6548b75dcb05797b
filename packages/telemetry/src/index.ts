export { flushTelemetry, shutdownTelemetry } from './shutdown';
export { activeTraceId, traceResponseHeader } from './context';

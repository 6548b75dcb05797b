/**
 * How an error crosses a gRPC hop. The status code says what kind of failure it is; the error
 * code the JSON error shape would carry (`card_declined`, `validation_failed`, …) and the fields it
 * names travel in the trailing metadata, so the caller can answer exactly as it would have over
 * HTTP. Plain metadata rather than google.rpc.Status details: those need googleapis' protos,
 * which no registry reachable here ships for protobuf-es, and two keys say all we need.
 */
export const GRPC_ERROR_METADATA = {
  /** The error code, ASCII (e.g. `card_declined`). */
  code: 'hoptrace-error-code',
  /** JSON object field → message, UTF-8 (a `-bin` key: grpc-js base64s it on the wire). */
  fields: 'hoptrace-error-fields-bin',
} as const;

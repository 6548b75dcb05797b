/**
 * payments' gRPC API (proto/hoptrace/payments/v1/payments.proto), as protobuf-es generates it.
 * A subpath of its own (`@hoptrace/contracts/payments-v1`) so that what imports only the zod
 * contracts (the storefront) never loads the protobuf runtime.
 */
export * from './gen/hoptrace/payments/v1/payments_pb';

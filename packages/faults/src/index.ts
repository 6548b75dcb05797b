export * from './admission';
export * from './crash';
export * from './edge';
export * from './entries';
export * from './grpc';
export * from './http';
export * from './kafka';
export * from './rules';

export * from './api';
export * from './events';
export * from './card';
export * from './faults';
export * from './services';
export * from './grpc';

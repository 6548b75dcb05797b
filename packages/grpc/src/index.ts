export * from './client';
export * from './definition';
export * from './errors';
export * from './health';
export * from './server';

export * from './jaeger';
export * from './model';
export * from './checks';
export { categorize, missingAttributes } from './semconv';
export { containsCardNumber, passesLuhn, personalDataIn } from './personal-data';
export { pollUntil } from './poll';

export * from './encryption';
export * from './webhook-signature';

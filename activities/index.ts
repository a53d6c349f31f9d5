export * from './contracts';
export * from './idp.activities';
export * from './digest.activities';
export * from './activities.module';

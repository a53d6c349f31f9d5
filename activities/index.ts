export * from './contracts';
export * from './idp.activities';
export * from './activities.module';

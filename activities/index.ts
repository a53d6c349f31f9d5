export * from './contracts';
export * from './idp.activities';
export * from './digest.activities';
export * from './sandbox-supplier.activities';
export * from './activities.module';

export * from './contracts';
export * from './idp.activities';
export * from './sandbox-supplier.activities';
export * from './activities.module';

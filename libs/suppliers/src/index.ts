export * from './supplier-adapter';
export * from './webhook-supplier.adapter';
export * from './sandbox-settings';
export * from './sandbox-supplier.adapter';
export * from './sandbox-api.client';
export * from './supplier-adapter-registry';

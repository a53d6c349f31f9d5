export * from './types';
export * from './policy';
export * from './state';
export * from './rejection';
export * from './timeline';
export * from './milestone-graph';
export * from './idp-process';
export * from './supplier-requests';

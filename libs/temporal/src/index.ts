export * from './constants';
export * from './search-attributes';
export * from './search-attribute-setup';
export * from './temporal-client.module';
export * from './digest-schedule';

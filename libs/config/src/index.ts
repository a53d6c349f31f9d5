export * from './environment';
export * from './data-keys';
export * from './config.module';
export * from './logging.module';
export * from './bootstrap';

export * from './calendar';
export * from './identifiers';
export * from './process';
export * from './data-checking';
export * from './notifications';

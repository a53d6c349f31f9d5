export * from './vocabulary';
export * from './figures';
export * from './issues';
export * from './rows';

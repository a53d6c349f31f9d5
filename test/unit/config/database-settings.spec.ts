import { validateEnvironment } from '@idp/config';
import { ClientClosedOnQueryTimeout, dataSourceOptions, pgPoolOptions } from '@idp/persistence';
import { configurationProblems } from '../../support/configuration';

const base = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/idp',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};
const problems = (env: Record<string, string>) => configurationProblems({ ...base, ...env });

describe('database and Temporal SDK settings in the configuration', () => {
  it('defaults to 10 connections, 8 s per statement and the SDK logging warnings', () => {
    const env = validateEnvironment(base);
    expect(env.DATABASE_POOL_SIZE).toBe(10);
    expect(env.DATABASE_QUERY_TIMEOUT_MS).toBe(8_000);
    expect(env.TEMPORAL_LOG_LEVEL).toBe('WARN');
  });

  it('reads the values given, at the bounds too, and the SDK level in either case', () => {
    const env = validateEnvironment({
      ...base,
      DATABASE_POOL_SIZE: '100',
      DATABASE_QUERY_TIMEOUT_MS: '1000',
      TEMPORAL_LOG_LEVEL: 'debug',
    });
    expect(env).toMatchObject({
      DATABASE_POOL_SIZE: 100,
      DATABASE_QUERY_TIMEOUT_MS: 1_000,
      TEMPORAL_LOG_LEVEL: 'DEBUG',
    });
    expect(
      validateEnvironment({ ...base, DATABASE_POOL_SIZE: '1', DATABASE_QUERY_TIMEOUT_MS: '300000' }),
    ).toMatchObject({ DATABASE_POOL_SIZE: 1, DATABASE_QUERY_TIMEOUT_MS: 300_000 });
  });

  it.each([
    ['DATABASE_POOL_SIZE', '0', 'DATABASE_POOL_SIZE must be an integer from 1 to 100 (connections per process)'],
    ['DATABASE_POOL_SIZE', '101', 'DATABASE_POOL_SIZE must be an integer from 1 to 100 (connections per process)'],
    ['DATABASE_POOL_SIZE', 'ten', 'DATABASE_POOL_SIZE must be an integer from 1 to 100 (connections per process)'],
    [
      'DATABASE_QUERY_TIMEOUT_MS',
      '999',
      'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)',
    ],
    [
      'DATABASE_QUERY_TIMEOUT_MS',
      '300001',
      'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)',
    ],
    [
      'DATABASE_QUERY_TIMEOUT_MS',
      '15s',
      'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)',
    ],
    [
      'DATABASE_QUERY_TIMEOUT_MS',
      '1500.5',
      'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)',
    ],
    ['TEMPORAL_LOG_LEVEL', 'VERBOSE', 'TEMPORAL_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR'],
  ])('%s=%s stops the process: %s', (name, value, message) => {
    expect(problems({ [name]: value })).toEqual([message]);
  });
});

describe('pool options', () => {
  it('for the API and the worker: Postgres cuts a statement and the client stops waiting at the same limit', () => {
    expect(pgPoolOptions({ poolSize: 7, queryTimeoutMs: 2_500 })).toEqual({
      max: 7,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 2_500,
      query_timeout: 3_500,
      Client: ClientClosedOnQueryTimeout,
    });
  });

  it('for migrations and the admin command: no limit, the plain client', () => {
    expect(pgPoolOptions({ poolSize: 3 })).toEqual({ max: 3, connectionTimeoutMillis: 5_000 });
    expect(dataSourceOptions('postgres://u:p@localhost/idp').extra).toEqual({
      max: 10,
      connectionTimeoutMillis: 5_000,
    });
  });
});

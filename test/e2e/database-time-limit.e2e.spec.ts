import { NestFactory } from '@nestjs/core';
import { Module, type Type } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfigModule } from '@idp/config';
import { AdminPersistenceModule, PersistenceModule } from '@idp/persistence';

/** What Postgres says the time limit per statement is on a connection of `persistence`'s pool. */
async function statementTimeoutUnder(persistence: Type): Promise<string> {
  @Module({ imports: [AppConfigModule.forRoot(), persistence] })
  class Root {}
  const app = await NestFactory.createApplicationContext(Root, { logger: false });
  try {
    const [{ statement_timeout }] = await app.get<DataSource>(getDataSourceToken()).query('SHOW statement_timeout');
    return statement_timeout;
  } finally {
    await app.close();
  }
}

/*
 * Which processes get DATABASE_QUERY_TIMEOUT_MS: the API and the worker (PersistenceModule), not the admin command
 * (AdminPersistenceModule), whose data-key commands may rightly run long. Migrations use dataSourceOptions without it.
 */
describe('the time limit per database statement, DATABASE_QUERY_TIMEOUT_MS=4000', () => {
  const saved = process.env.DATABASE_QUERY_TIMEOUT_MS;
  // Once for the file: the configuration module caches what it validated first.
  beforeAll(() => (process.env.DATABASE_QUERY_TIMEOUT_MS = '4000'));
  afterAll(() => {
    if (saved === undefined) delete process.env.DATABASE_QUERY_TIMEOUT_MS;
    else process.env.DATABASE_QUERY_TIMEOUT_MS = saved;
  });

  it('applies to the API and the worker', async () => {
    expect(await statementTimeoutUnder(PersistenceModule)).toBe('4s');
  });

  it('does not apply to the admin command', async () => {
    expect(await statementTimeoutUnder(AdminPersistenceModule)).toBe('0');
  });
});

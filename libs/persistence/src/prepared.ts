import type { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/** The pg pool under a TypeORM data source (the primary's: there are no replicas). */
interface PgPool {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * Runs a hot statement as a named prepared statement on the pool under TypeORM: Postgres parses and plans it once
 * per connection instead of on every call (for the kickoff statement that is half of its database CPU), and the
 * call skips TypeORM's query runner. Rows come back as `query()` returns them. Errors are pg's own (with their
 * `code`), as from `query()`'s driver error.
 *
 * Behind a transaction-pooling PgBouncer, prepared statements need PgBouncer ≥ 1.21 with `max_prepared_statements`
 * set; the README says so.
 */
export async function preparedQuery<R>(
  manager: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (manager.connection.driver as PostgresDriver).master as PgPool | undefined;
  if (!pool) return manager.query(text, values);
  const { rows } = await pool.query<R>({ name, text, values });
  return rows;
}

import { Client, type ClientConfig, type PoolConfig } from 'pg';

/** How a process uses Postgres: its pool size and, for the API and the worker, a time limit per statement. */
export interface DatabaseSettings {
  poolSize: number;
  /** Unset: no limit (migrations, the admin command). */
  queryTimeoutMs?: number;
}

/** What node-postgres says when it stops waiting for an answer (`query_timeout`). */
const QUERY_TIMEOUT_MESSAGE = 'Query read timeout';

/**
 * node-postgres stops waiting after `query_timeout` but keeps the connection, still busy with the unanswered
 * statement: back in the pool, the next caller's queries would queue behind it, or run inside the abandoned
 * transaction once a frozen Postgres wakes up, and commit with it. This client closes its connection instead
 * (Postgres rolls back what was under way), so the pool drops it and opens a fresh one when asked.
 * Callback-style queries (`pool.query`) need no help: the pool discards a client released with an error.
 */
export class ClientClosedOnQueryTimeout extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if ((error as Error)?.message === QUERY_TIMEOUT_MESSAGE) void this.end();
        });
      }
      return result;
    }) as Client['query'];
  }
}

/**
 * node-postgres pool options: a connection must be made within 5 s, and with a time limit Postgres cancels a
 * statement that runs longer (`statement_timeout`) while the client stops waiting for one that gets no answer
 * (`query_timeout`, a frozen server or a partition that keeps the connection open).
 */
export function pgPoolOptions(settings: DatabaseSettings): PoolConfig {
  const limited = settings.queryTimeoutMs
    ? {
        statement_timeout: settings.queryTimeoutMs,
        // A second later than Postgres' own cancel, which answers a slow statement cleanly (57014) and keeps the
        // connection; the client's limit is for a server that answers nothing at all.
        query_timeout: settings.queryTimeoutMs + 1_000,
        Client: ClientClosedOnQueryTimeout,
      }
    : {};
  return { max: settings.poolSize, connectionTimeoutMillis: 5_000, ...limited };
}

import { isUnavailable } from '../../../apps/api/src/common/error-mapping';

/** An error as pg raises it: a message, and for errors from the server or the socket a `code`. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('isUnavailable: Postgres errors as the kickoff statement (raw pg) and TypeORM (wrapped) raise them', () => {
  it.each([
    ['nothing listens', pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED')],
    [
      'the server shut down under an open connection',
      pgError('terminating connection due to administrator command', '57P01'),
    ],
    ['the server is starting or stopping', pgError('the database system is shutting down', '57P03')],
    ['the connection dropped mid-query', pgError('Connection terminated unexpectedly')],
    ['no connection within the pool timeout', pgError('timeout exceeded when trying to connect')],
    [
      'a checked-out client lost its connection',
      pgError('Client has encountered a connection error and is not queryable'),
    ],
    ['TypeORM wrapping a shutdown', { message: 'terminating connection', driverError: { code: '57P01' } }],
    ['no answer within DATABASE_QUERY_TIMEOUT_MS (a frozen server)', pgError('Query read timeout')],
    [
      'TypeORM wrapping no answer in time',
      { message: 'Query read timeout', driverError: new Error('Query read timeout') },
    ],
    ['Postgres cut a statement at statement_timeout', pgError('canceling statement due to statement timeout', '57014')],
  ])('%s: a dependency down (503)', (_, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', pgError('duplicate key value violates unique constraint', '23505')],
    ['a malformed value', pgError('invalid input syntax for type uuid', '22P02')],
    ['TypeORM wrapping a syntax error', { message: 'syntax error', driverError: { code: '42601' } }],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s: not an outage', (_, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});

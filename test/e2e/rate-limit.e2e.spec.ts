import { DataSource } from 'typeorm';
import { call, startApi, type RunningApi } from '../support/api-process';
import { createParty, unusedIcbCode, type Party } from '../support/parties';

/** The API's rate limit (`RATE_LIMIT_PER_MINUTE`, per API key and route): the next request is refused, and says when to retry. */
describe('rate limiting per API key', () => {
  const LIMIT = 5;
  let api: RunningApi;
  let db: DataSource;
  let busy: Party;
  let other: Party;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
    busy = await createParty(db, 'icb', await unusedIcbCode(db), 'Busy ICB');
    other = await createParty(db, 'icb', await unusedIcbCode(db), 'Other ICB');
  });
  afterAll(async () => {
    await api?.stop();
    await db?.destroy();
  });

  it('answers 429 problem+json with Retry-After past the limit, and counts each key apart', async () => {
    for (let i = 0; i < LIMIT; i++) {
      const ok = await call(api.baseUrl, 'GET', '/v1/migrations', undefined, busy.auth);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1 - i));
    }
    const refused = await call(api.baseUrl, 'GET', '/v1/migrations', undefined, busy.auth);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.body).toMatchObject({ status: 429 });

    // Another organisation's key has its own allowance.
    expect((await call(api.baseUrl, 'GET', '/v1/migrations', undefined, other.auth)).status).toBe(200);
    // The allowance is per key and route (@nestjs/throttler's keys): the same key on another route is not refused
    // (this empty kickoff fails validation instead), and it stays refused on this one.
    expect((await call(api.baseUrl, 'POST', '/v1/migrations', {}, busy.auth)).status).toBe(400);
    expect((await call(api.baseUrl, 'GET', '/v1/migrations', undefined, busy.auth)).status).toBe(429);
  });
});

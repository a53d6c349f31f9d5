import { collect, exited, spawnApp } from '../support/processes';

/* The API serves the pages, so it refuses to start without the secret that signs their sessions. */
it('the API will not start without SESSION_SECRET, and says what to set', async () => {
  const api = spawnApp('api', { SESSION_SECRET: '', PORT: '1' });
  const output = collect(api);
  expect(await exited(api)).toBe(1);
  expect(output.out()).toContain('api could not start: Invalid configuration:');
  expect(output.out()).toContain('SESSION_SECRET is required');
  expect(output.out()).not.toMatch(/\n\s+at /);
});

/** Stops what global-setup.ts started (same process: Jest runs both hooks in its parent). */
export default async function globalTeardown(): Promise<void> {
  const services = globalThis.__IDP_TEST_SERVICES__;
  globalThis.__IDP_TEST_SERVICES__ = undefined;
  if (process.env.TEST_VERBOSE) process.stderr.write(`[global-teardown] services: ${Boolean(services)}\n`);
  await services?.stop();
}

import { ConfigurationError } from './environment';

/**
 * Turns a failed boot into one clear line on stderr and exit code 1: a configuration error lists the variables to
 * fix; an unreachable dependency says which and where. No stack trace for problems a user can fix.
 */
export function exitOnBootFailure(service: string, error: unknown): never {
  const message =
    error instanceof ConfigurationError
      ? error.message
      : error instanceof Error
        ? error.message.split('\n')[0]
        : String(error);
  process.stderr.write(`${service} could not start: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
}

import { ConfigurationError, validateEnvironment } from '@idp/config';

/** What the configuration check says is wrong with `env` (none: it is valid). */
export function configurationProblems(env: Record<string, string>): string[] {
  try {
    validateEnvironment(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
}

import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable the API and the worker read. `.env.example` documents the same list; a value that
 * fails these rules stops the process at boot with the variable's name and what is expected.
 */
export class Environment {
  @IsString()
  @Matches(/^postgres(ql)?:\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// URL, e.g. postgres://user:pass@host:5432/idp',
  })
  DATABASE_URL: string;

  @IsString()
  @Matches(/^[^\s:/]+:\d{1,5}$/, { message: 'TEMPORAL_ADDRESS must be host:port, e.g. localhost:7233' })
  TEMPORAL_ADDRESS = 'localhost:7233';

  @IsString()
  @MinLength(1, { message: 'TEMPORAL_NAMESPACE must not be empty' })
  TEMPORAL_NAMESPACE = 'default';

  @IsString()
  @MinLength(1, { message: 'TEMPORAL_TASK_QUEUE must not be empty' })
  TEMPORAL_TASK_QUEUE = 'idp';

  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT = 3000;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Base URL people use to reach the API and pages; links in notifications point here. */
  @IsString()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_BASE_URL must be an http(s) URL, e.g. http://localhost:3000' })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  /**
   * Lets a kickoff ask for compressed time (one "working day" lasting `timeScale.workingDayMs`): for demos and
   * tests only; never enable it where real migrations run.
   */
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean({ message: 'ALLOW_COMPRESSED_TIME must be true or false' })
  ALLOW_COMPRESSED_TIME = false;

  /**
   * A first key with operator rights (create organisations and keys through the API), for bootstrap. Use the
   * admin command (`npm run admin`) for everything else; keys it makes are stored hashed.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'OPERATOR_API_KEY must be at least 32 characters (use a random string)' })
  OPERATOR_API_KEY?: string;

  /** Requests per minute allowed per API key (or per client address without one). */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be a positive integer' })
  @Min(1, { message: 'RATE_LIMIT_PER_MINUTE must be a positive integer' })
  RATE_LIMIT_PER_MINUTE = 600;

  /**
   * How long the API trusts an API key it has verified before asking Postgres again (0: every request). A key
   * revoked through this API process stops working at once; one revoked elsewhere (the admin command, another
   * replica) within this many seconds.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'API_KEY_CACHE_SECONDS must be an integer from 0 to 60' })
  @Min(0, { message: 'API_KEY_CACHE_SECONDS must be an integer from 0 to 60' })
  @Max(60, { message: 'API_KEY_CACHE_SECONDS must be an integer from 0 to 60' })
  API_KEY_CACHE_SECONDS = 5;

  /** SMTP server for email notifications (smtp:// or smtps://, credentials in the URL); unset: log only. */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, {
    message: 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example:587',
  })
  SMTP_URL?: string;

  /** Sender of notification emails. */
  @IsString()
  @MinLength(3, { message: 'SMTP_FROM must be a sender such as "IDP Orchestrator <idp@example.nhs.uk>"' })
  SMTP_FROM = 'IDP Orchestrator <idp-orchestrator@localhost>';

  /**
   * Key for data encrypted at rest (patient identifiers, webhook secrets): 32 random bytes, base64
   * (`openssl rand -base64 32`). `npm start` makes one for the embedded default and keeps it in `.data/`.
   * Losing it makes those fields unreadable; rotate by re-encrypting (see README).
   */
  @IsString({ message: 'DATA_ENCRYPTION_KEY is required: 32 random bytes, base64 (openssl rand -base64 32)' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'DATA_ENCRYPTION_KEY must be 32 random bytes, base64 encoded (openssl rand -base64 32)',
  })
  DATA_ENCRYPTION_KEY: string;

  /** Path of a prebuilt workflow bundle (made by `npm run build`); without it the worker bundles at start. */
  @IsOptional()
  @IsString()
  WORKFLOW_BUNDLE_PATH?: string;
}

/** Thrown when configuration is missing or malformed; its message lists each variable and what to fix. */
export class ConfigurationError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates raw environment variables into a typed `Environment`, or throws a `ConfigurationError`. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(Environment, defined, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    throw new ConfigurationError(
      errors.map((e) => {
        const messages = Object.values(e.constraints ?? {});
        if (e.value === undefined) return `${e.property} is required: ${messages[messages.length - 1]}`;
        return messages[messages.length - 1] ?? `${e.property} is invalid`;
      }),
    );
  }
  return env;
}

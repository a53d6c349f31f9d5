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
  IsUUID,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { NOTIFY_TIMEOUT_MAX_MS } from '@idp/domain';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const EMAIL_PROVIDERS = ['smtp', 'notify'] as const;
const NOTIFY_TIMEOUT_RANGE = `NOTIFY_TIMEOUT_MS must be an integer from 100 to ${NOTIFY_TIMEOUT_MAX_MS} (milliseconds)`;
/** The Temporal SDK's own levels (its `LogLevel`), upper case. */
const TEMPORAL_LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
/** `<key name>-<service id>-<secret>`: the two UUIDs at the end are what the client signs its JWT with. */
const NOTIFY_API_KEY_PATTERN =
  /^[A-Za-z0-9_-]+-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;
const needsNotify = (env: Environment) =>
  env.EMAIL_PROVIDER === 'notify' ||
  env.NOTIFY_API_KEY !== undefined ||
  env.NOTIFY_EMAIL_TEMPLATE_ID !== undefined ||
  env.NOTIFY_SMS_TEMPLATE_ID !== undefined;

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

  /** Connections each API and worker process keeps in its pool (the API's page sessions have 4 more of their own). */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'DATABASE_POOL_SIZE must be an integer from 1 to 100 (connections per process)' })
  @Min(1, { message: 'DATABASE_POOL_SIZE must be an integer from 1 to 100 (connections per process)' })
  @Max(100, { message: 'DATABASE_POOL_SIZE must be an integer from 1 to 100 (connections per process)' })
  DATABASE_POOL_SIZE = 10;

  /**
   * How long the API and the worker wait for one database statement: Postgres cancels a statement running longer
   * (statement_timeout), and the process stops waiting for an answer that does not come (a frozen server, a network
   * partition that keeps the connection open), so a request answers 503 and an activity is retried instead of
   * hanging. Migrations and the admin command are not limited: they may rightly run long.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)' })
  @Min(1_000, { message: 'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)' })
  @Max(300_000, { message: 'DATABASE_QUERY_TIMEOUT_MS must be an integer from 1000 to 300000 (milliseconds)' })
  DATABASE_QUERY_TIMEOUT_MS = 8_000;

  @IsString()
  @Matches(/^[^\s:/]+:\d{1,5}$/, { message: 'TEMPORAL_ADDRESS must be host:port, e.g. localhost:7233' })
  TEMPORAL_ADDRESS = 'localhost:7233';

  @IsString()
  @MinLength(1, { message: 'TEMPORAL_NAMESPACE must not be empty' })
  TEMPORAL_NAMESPACE = 'default';

  @IsString()
  @MinLength(1, { message: 'TEMPORAL_TASK_QUEUE must not be empty' })
  TEMPORAL_TASK_QUEUE = 'idp';

  /** What the Temporal SDK inside the worker logs (through the worker's own log); validated in every process. */
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(TEMPORAL_LOG_LEVELS, { message: `TEMPORAL_LOG_LEVEL must be one of ${TEMPORAL_LOG_LEVELS.join(', ')}` })
  TEMPORAL_LOG_LEVEL: (typeof TEMPORAL_LOG_LEVELS)[number] = 'WARN';

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
   * Where the sandbox supplier (a simulated supplier for demos and tests) calls the public API; default
   * PUBLIC_BASE_URL.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'SANDBOX_API_URL must be an http(s) URL, e.g. http://localhost:3000' })
  SANDBOX_API_URL?: string;

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

  /** Requests per minute allowed per API key and route (or per client address without a key). */
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

  /** Who sends email to participants whose preference is email: SMTP (default) or GOV.UK Notify. */
  @IsIn(EMAIL_PROVIDERS, { message: `EMAIL_PROVIDER must be one of ${EMAIL_PROVIDERS.join(', ')}` })
  EMAIL_PROVIDER: (typeof EMAIL_PROVIDERS)[number] = 'smtp';

  /**
   * GOV.UK Notify API key (`name-serviceid-secret`, from Notify's API integration page). Required when
   * EMAIL_PROVIDER=notify or a Notify template id is set; SMS goes out only through Notify.
   */
  @ValidateIf(needsNotify)
  @IsString({ message: 'NOTIFY_API_KEY is required when EMAIL_PROVIDER=notify or a NOTIFY_*_TEMPLATE_ID is set' })
  @Matches(NOTIFY_API_KEY_PATTERN, {
    message: 'NOTIFY_API_KEY must be a GOV.UK Notify API key: <key name>-<service id>-<secret key>',
  })
  NOTIFY_API_KEY?: string;

  /** GOV.UK Notify's API; tests point it at a local stand-in. */
  @IsString()
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, {
    message: 'NOTIFY_BASE_URL must be an http(s) origin, e.g. https://api.notifications.service.gov.uk',
  })
  NOTIFY_BASE_URL = 'https://api.notifications.service.gov.uk';

  /**
   * How long one call to GOV.UK Notify may take before it is cut and retried. At most a minute: the notify
   * activity's start-to-close timeout allows every recipient that long and a little more (libs/domain
   * delivery-limits), so a slow but working Notify never has an attempt cut mid-way.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: NOTIFY_TIMEOUT_RANGE })
  @Min(100, { message: NOTIFY_TIMEOUT_RANGE })
  @Max(NOTIFY_TIMEOUT_MAX_MS, { message: NOTIFY_TIMEOUT_RANGE })
  NOTIFY_TIMEOUT_MS = 10_000;

  /** Notify email template with the personalisation fields ((subject)) and ((body)) (README has its content). */
  @ValidateIf((env: Environment) => env.EMAIL_PROVIDER === 'notify' || env.NOTIFY_EMAIL_TEMPLATE_ID !== undefined)
  @IsUUID('all', {
    message:
      'NOTIFY_EMAIL_TEMPLATE_ID must be the id (a UUID) of a Notify email template; required when EMAIL_PROVIDER=notify',
  })
  NOTIFY_EMAIL_TEMPLATE_ID?: string;

  /** Notify text message template with ((subject)) and ((link)); unset: nobody gets SMS. */
  @IsOptional()
  @IsUUID('all', { message: 'NOTIFY_SMS_TEMPLATE_ID must be the id (a UUID) of a Notify text message template' })
  NOTIFY_SMS_TEMPLATE_ID?: string;

  /**
   * Key for data encrypted at rest (patient identifiers, webhook secrets): 32 random bytes, base64
   * (`openssl rand -base64 32`). `npm start` makes one for the embedded default and keeps it in `.data/`.
   * Losing it makes those fields unreadable; rotate it with DATA_ENCRYPTION_KEY_PREVIOUS (docs/key-rotation.md).
   */
  @IsString({ message: 'DATA_ENCRYPTION_KEY must be 32 random bytes, base64 (openssl rand -base64 32)' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'DATA_ENCRYPTION_KEY must be 32 random bytes, base64 encoded (openssl rand -base64 32)',
  })
  DATA_ENCRYPTION_KEY: string;

  /**
   * Set only while rotating DATA_ENCRYPTION_KEY (docs/key-rotation.md): the key being replaced, in the same format.
   * Values under it stay readable, and lookups match its hashes, until `npm run admin -- data-key rotate` has
   * re-encrypted everything under DATA_ENCRYPTION_KEY; then remove it.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message:
      'DATA_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes, base64 encoded: the DATA_ENCRYPTION_KEY being replaced',
  })
  DATA_ENCRYPTION_KEY_PREVIOUS?: string;

  /**
   * Signs the session cookie of people signed in to the pages: at least 32 random characters
   * (`openssl rand -base64 32`). Required by the API; `npm start` makes one and keeps it in `.data/`.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SESSION_SECRET must be at least 32 random characters (openssl rand -base64 32)' })
  SESSION_SECRET?: string;

  /** Lets people sign in with a link emailed to them (their address must belong to a user); off where OIDC is the door. */
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  @IsBoolean({ message: 'EMAIL_SIGN_IN must be true or false' })
  EMAIL_SIGN_IN = true;

  /** OpenID Connect issuer for people's sign-in (e.g. NHS Care Identity Service 2); with the client id and secret. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'OIDC_ISSUER_URL must be an http(s) URL of an OpenID Connect issuer' })
  OIDC_ISSUER_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'OIDC_CLIENT_ID must not be empty' })
  OIDC_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'OIDC_CLIENT_SECRET must not be empty' })
  OIDC_CLIENT_SECRET?: string;

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
  if (env.DATA_ENCRYPTION_KEY_PREVIOUS && env.DATA_ENCRYPTION_KEY_PREVIOUS === env.DATA_ENCRYPTION_KEY) {
    throw new ConfigurationError([
      'DATA_ENCRYPTION_KEY_PREVIOUS is the same as DATA_ENCRYPTION_KEY: set DATA_ENCRYPTION_KEY to the new key and DATA_ENCRYPTION_KEY_PREVIOUS to the old one',
    ]);
  }
  const oidc = [env.OIDC_ISSUER_URL, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidc > 0 && oidc < 3) {
    throw new ConfigurationError([
      'OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together: set all three for OpenID Connect sign-in, or none',
    ]);
  }
  return env;
}

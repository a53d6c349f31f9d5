import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedDataDir, embeddedEncryptionKey } from '@idp/infra/services/secrets';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, validateEnvironment } from '@idp/config';
import {
  describeDatabaseError,
  ORGANISATION_ROLES,
  SUPPLIER_ADAPTERS,
  type OrganisationRole,
  type SupplierAdapterKind,
} from '@idp/persistence';
import { webhookUrlProblem } from '../organisations/webhook-url';

const DEFAULT_BATCH_SIZE = 500;

const HELP = `IDP Orchestrator administration: organisations, supplier adapters, API keys, people and the data key.

Usage: npm run admin -- <command> [options]

  organisation create --role ROLE --code CODE --name NAME [--webhook-url URL] [--contact-email EMAIL]
      Register an organisation. ROLE is one of ${ORGANISATION_ROLES.join(', ')}.
      CODE is the ICB code (QHG), practice ODS code (A81001), or supplier / delivery partner code (EMIS).
      EMAIL receives the weekly digest (ICBs and delivery partners).
  organisation list
  organisation set-webhook --organisation ID_OR_CODE --url URL
      Send the organisation's notifications and supplier requests to URL (https; http only for localhost),
      signed with a new secret. The secret is printed once, alone on the last line, and stored encrypted.
  organisation set-adapter --organisation ID_OR_CODE --adapter ${SUPPLIER_ADAPTERS.join('|')} [--settings JSON]
      How requests reach a supplier: none (notifications only), webhook (signed requests to its webhook URL),
      or sandbox (a simulated supplier), e.g. --settings '{"delayWorkingDays": 1, "late": ["extractDelivered"]}'.
  key create --organisation ID_OR_CODE [--label LABEL]
      Create an API key. The key is printed once, alone on the last line, and stored only as a hash.
  key list [--organisation ID_OR_CODE]
  key revoke KEY_ID
      Revoke a key at once.
  user create --organisation CODE --email EMAIL --name NAME
      Add a person who signs in to the pages (by emailed link or OpenID Connect) and acts as the organisation.
  user list [--organisation CODE]
  user deactivate --email EMAIL
      Stop a person signing in (at once, including sessions already open); their audit entries stay.
  data-key status [--batch-size N]
      How many encrypted values (NHS numbers, webhook secrets, sandbox keys) are under DATA_ENCRYPTION_KEY, and how
      many still under DATA_ENCRYPTION_KEY_PREVIOUS. Keys are shown only by their public key ids.
  data-key rotate [--batch-size N]
      Re-encrypt every encrypted value, and recompute every lookup hash, under DATA_ENCRYPTION_KEY: N rows per
      transaction (default ${DEFAULT_BATCH_SIZE}), while the API and worker run. Safe to interrupt and to run again.
      Steps: docs/key-rotation.md.

Reads DATABASE_URL (default: the embedded Postgres of \`npm start\`, port EMBEDDED_PG_PORT or 5433).
Build first (\`npm run build\`; \`npm start\` does).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const COMMANDS = [
  'organisation create',
  'organisation list',
  'organisation set-webhook',
  'organisation set-adapter',
  'key create',
  'key list',
  'key revoke',
  'user create',
  'user list',
  'user deactivate',
  'data-key status',
  'data-key rotate',
];

function settingsJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    fail('--settings must be JSON, e.g. \'{"delayWorkingDays": 1}\'');
  }
}

function batchSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_BATCH_SIZE;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 10_000) fail('--batch-size must be a whole number from 1 to 10000');
  return n;
}

/** Refuses a wrong command or missing option before anything connects to the database. */
function checkOptions(command: string, values: Record<string, unknown>, arg: string | undefined): void {
  if (!COMMANDS.includes(command)) fail(`Unknown command "${command}".\n\n${HELP}`);
  if (command === 'organisation create') {
    if (!values.role || !values.code || !values.name)
      fail('organisation create needs --role, --code and --name (see --help)');
    if (!ORGANISATION_ROLES.includes(values.role as OrganisationRole))
      fail(`--role must be one of ${ORGANISATION_ROLES.join(', ')}`);
  }
  if (command === 'organisation set-webhook' && (!values.organisation || !values.url))
    fail('organisation set-webhook needs --organisation ID_OR_CODE and --url URL (see --help)');
  if (command === 'organisation set-webhook') {
    const problem = webhookUrlProblem(String(values.url));
    if (problem) fail(`--${problem}`);
  }
  if (command === 'organisation set-adapter') {
    if (!values.organisation || !values.adapter)
      fail('organisation set-adapter needs --organisation and --adapter (see --help)');
    if (!SUPPLIER_ADAPTERS.includes(values.adapter as SupplierAdapterKind))
      fail(`--adapter must be one of ${SUPPLIER_ADAPTERS.join(', ')}`);
    if (values.settings !== undefined) settingsJson(values.settings as string);
  }
  if (command === 'key create' && !values.organisation) fail('key create needs --organisation ID_OR_CODE (see --help)');
  if (command === 'key revoke' && !arg) fail('key revoke needs the key id (see key list)');
  if (command === 'user create' && (!values.organisation || !values.email || !values.name))
    fail('user create needs --organisation, --email and --name (see --help)');
  if (command === 'user deactivate' && !values.email) fail('user deactivate needs --email (see --help)');
  if (values['batch-size'] !== undefined) batchSize(values['batch-size'] as string);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      code: { type: 'string' },
      name: { type: 'string' },
      'webhook-url': { type: 'string' },
      'contact-email': { type: 'string' },
      url: { type: 'string' },
      organisation: { type: 'string' },
      adapter: { type: 'string' },
      settings: { type: 'string' },
      label: { type: 'string' },
      email: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [noun, verb, arg] = positionals;
  if (values.help || !noun) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  checkOptions(`${noun} ${verb ?? ''}`.trim(), values, arg);
  if (!process.env.DATABASE_URL) {
    process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 5433}/idp`;
    process.stderr.write(`DATABASE_URL not set: using the embedded Postgres of npm start\n`);
    process.env.DATA_ENCRYPTION_KEY ||= embeddedEncryptionKey(
      embeddedDataDir(path.resolve(__dirname, '../../../../..')),
    );
  }
  validateEnvironment(process.env);
  // Loaded only now: the configuration module reads the environment when it is imported.
  const { AdminModule } = await import('./admin.module');
  const { OrganisationsService } = await import('../organisations/organisations.service');
  const { UsersService } = await import('../people/users.service');
  const { DataKeyService } = await import('../data-key/data-key.service');
  const { rotationReport, statusReport } = await import('../data-key/data-key-report');
  const app = await NestFactory.createApplicationContext(AdminModule, { logger: false, abortOnError: false }).catch(
    (error: unknown) => {
      throw (error as { code?: string })?.code
        ? new Error(describeDatabaseError(error, process.env.DATABASE_URL!))
        : error;
    },
  );
  const organisations = app.get(OrganisationsService);
  const users = app.get(UsersService);
  const dataKey = app.get(DataKeyService);
  try {
    const command = `${noun} ${verb ?? ''}`.trim();
    switch (command) {
      case 'organisation create': {
        if (!values.role || !values.code || !values.name)
          fail('organisation create needs --role, --code and --name (see --help)');
        if (!ORGANISATION_ROLES.includes(values.role as OrganisationRole))
          fail(`--role must be one of ${ORGANISATION_ROLES.join(', ')}`);
        const org = await organisations.create({
          role: values.role as OrganisationRole,
          code: values.code,
          name: values.name,
          webhookUrl: values['webhook-url'],
          contactEmail: values['contact-email'],
        });
        process.stdout.write(`Created ${org.role} ${org.code} (${org.name})\nid: ${org.id}\n`);
        break;
      }
      case 'organisation list':
        for (const o of await organisations.list())
          process.stdout.write(`${o.id}  ${o.role.padEnd(16)} ${o.code.padEnd(14)} ${o.name}\n`);
        break;
      case 'organisation set-webhook': {
        if (!values.organisation || !values.url)
          fail('organisation set-webhook needs --organisation ID_OR_CODE and --url URL (see --help)');
        const endpoint = await organisations.setWebhook(values.organisation, values.url);
        process.stdout.write(
          `Webhook of ${endpoint.code} set to ${endpoint.url}. Its signing secret is shown once; give it to the organisation now:\n${endpoint.secret}\n`,
        );
        break;
      }
      case 'organisation set-adapter': {
        const set = await organisations.setSupplierAdapter(
          values.organisation!,
          values.adapter as SupplierAdapterKind,
          values.settings === undefined ? {} : settingsJson(values.settings),
        );
        process.stdout.write(
          `${set.organisation} now uses the ${set.adapter} adapter${
            Object.keys(set.settings).length > 0 ? `\nsettings: ${JSON.stringify(set.settings)}` : ''
          }${set.sandboxApiKeyId ? `\nreports with its own API key ${set.sandboxApiKeyId}` : ''}\n`,
        );
        break;
      }
      case 'key create': {
        if (!values.organisation) fail('key create needs --organisation ID_OR_CODE (see --help)');
        const created = await organisations.createKey(values.organisation, values.label ?? 'api key');
        process.stdout.write(
          `Created API key ${created.id} (${created.label}). It is shown once; store it now:\n${created.key}\n`,
        );
        break;
      }
      case 'key list': {
        const orgId = values.organisation ? (await organisations.findByIdOrCode(values.organisation)).id : undefined;
        for (const k of await organisations.listKeys(orgId)) {
          process.stdout.write(
            `${k.id}  idp_${k.prefix}_…  ${k.label.padEnd(20)} ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}\n`,
          );
        }
        break;
      }
      case 'key revoke': {
        if (!arg) fail('key revoke needs the key id (see key list)');
        const key = await organisations.revokeKey(arg);
        process.stdout.write(`Revoked API key ${key.id} (${key.label})\n`);
        break;
      }
      case 'user create': {
        const person = await users.create({
          organisation: values.organisation!,
          email: values.email!,
          name: values.name!,
        });
        process.stdout.write(
          `Created user ${person.email} (${person.name}) of ${person.organisation.role} ${person.organisation.code}\n`,
        );
        break;
      }
      case 'user list':
        for (const u of await users.list(values.organisation)) {
          process.stdout.write(
            `${u.email.padEnd(36)} ${u.name.padEnd(24)} ${u.organisation.code.padEnd(14)} ${u.active ? 'active' : 'deactivated'}\n`,
          );
        }
        break;
      case 'user deactivate': {
        const person = await users.deactivate(values.email!);
        process.stdout.write(`Deactivated user ${person.email}\n`);
        break;
      }
      case 'data-key status': {
        const report = statusReport(dataKey.cipher.keyIds, await dataKey.status(batchSize(values['batch-size'])));
        process.stdout.write(report);
        break;
      }
      case 'data-key rotate': {
        const report = rotationReport(dataKey.cipher.keyIds, await dataKey.rotate(batchSize(values['batch-size'])));
        process.stdout.write(report.text);
        if (report.problem) {
          process.stderr.write(`${report.problem}\n`);
          process.exitCode = 1;
        }
        break;
      }
      default:
        fail(`Unknown command "${command}".\n\n${HELP}`);
    }
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  const e = error as { problem?: { detail?: string }; message?: string };
  const message =
    error instanceof ConfigurationError ? error.message : (e?.problem?.detail ?? e?.message ?? String(error));
  process.stderr.write(`admin: ${message}\n`);
  process.exit(1);
});

import { describeDatabaseError } from '../errors';
import { migrateDatabase } from '../data-source';

/** `npm run db:migrate`: applies pending schema migrations to DATABASE_URL. */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('DATABASE_URL is not set: expected postgres://user:password@host:port/database\n');
    process.exit(2);
  }
  try {
    const applied = await migrateDatabase(url);
    process.stdout.write(
      applied.length ? `Applied migrations: ${applied.join(', ')}\n` : 'Database schema is up to date.\n',
    );
  } catch (error) {
    process.stderr.write(`Database migration failed: ${describeDatabaseError(error, url)}\n`);
    process.exit(1);
  }
}

void main();

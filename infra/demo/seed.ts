import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AdminModule } from '../../apps/api/src/cli/admin.module';
import { OrganisationsService } from '../../apps/api/src/organisations/organisations.service';
import { UsersService } from '../../apps/api/src/people/users.service';
import { DEMO_ORGANISATIONS } from './parties';

/**
 * Registers the demo organisations on the embedded default (run by `npm start` after migrations). Their API
 * keys are printed the first time only: they are stored hashed, so a later start cannot show them again.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AdminModule, { logger: false, abortOnError: false });
  try {
    const organisations = app.get(OrganisationsService);
    const existing = new Set((await organisations.list()).map((o) => o.code));
    const created: Array<{ code: string; name: string; key: string }> = [];
    for (const org of DEMO_ORGANISATIONS) {
      if (existing.has(org.code)) continue;
      await organisations.create({ role: org.role, code: org.code, name: org.name, contactEmail: org.contactEmail });
      const { key } = await organisations.createKey(org.code, 'demo');
      created.push({ code: org.code, name: org.name, key });
    }
    // Demo suppliers are sandboxes: they act on requests and report back through the API by themselves.
    for (const org of DEMO_ORGANISATIONS) {
      if (!org.sandbox) continue;
      const current = await organisations.findByIdOrCode(org.code);
      if (current.supplierAdapter === 'none') await organisations.setSupplierAdapter(org.code, 'sandbox', org.sandbox);
    }
    // People who sign in to the pages: one per demo organisation that has one.
    const users = app.get(UsersService);
    const known = new Set((await users.list()).map((u) => u.email));
    for (const org of DEMO_ORGANISATIONS) {
      if (org.person && !known.has(org.person.email)) await users.create({ organisation: org.code, ...org.person });
    }
    const people = DEMO_ORGANISATIONS.filter((o) => o.person).map(
      (o) => `  ${o.person!.email.padEnd(36)} ${o.person!.name} (${o.name})`,
    );
    console.log(`Sign in to the pages as (the link arrives in the mail inbox):\n${people.join('\n')}\n`);
    if (created.length === 0) {
      console.log('Demo organisations are registered (their keys were printed at the first start).');
      console.log('A new key: npm run admin -- key create --organisation QHG');
      return;
    }
    console.log('Demo organisations registered. Their API keys, shown this once:');
    for (const c of created) console.log(`  ${c.code.padEnd(15)} ${c.key}  ${c.name}`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

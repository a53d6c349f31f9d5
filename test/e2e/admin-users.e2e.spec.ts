import { randomBytes } from 'node:crypto';
import { runAdmin } from '../support/admin-command';

/*
 * People through the built admin command: `user create`, `user list`, `user deactivate`, against the test database,
 * and the clear refusals an operator gets for wrong input.
 */

const admin = runAdmin;

describe('the admin command for people', () => {
  const tag = randomBytes(3).toString('hex');
  const code = `PEOPLE-${tag.toUpperCase()}`;
  const email = `Pat.Khan.${tag}@Example.NHS.uk`;

  beforeAll(async () => {
    const org = await admin(['organisation', 'create', '--role', 'supplier', '--code', code, '--name', 'People Ltd']);
    expect(org.code).toBe(0);
  });

  it('adds, lists and deactivates a person of an organisation', async () => {
    const created = await admin(['user', 'create', '--organisation', code, '--email', email, '--name', 'Pat Khan']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    // Stored lower-case: sign-in matches an address however it is typed.
    expect(created.stdout).toContain(`Created user ${email.toLowerCase()} (Pat Khan) of supplier ${code}`);

    const listed = await admin(['user', 'list', '--organisation', code]);
    expect(listed.stdout).toMatch(
      new RegExp(`${email.toLowerCase().replace(/\./g, '\\.')}\\s+Pat Khan\\s+${code}\\s+active`),
    );

    const deactivated = await admin(['user', 'deactivate', '--email', email]);
    expect(deactivated).toMatchObject({ code: 0, stdout: `Deactivated user ${email.toLowerCase()}\n` });
    expect((await admin(['user', 'list', '--organisation', code])).stdout).toContain('deactivated');
  });

  it('refuses wrong input with a reason and no stack trace', async () => {
    const taken = `taken.${tag}@example.com`;
    expect((await admin(['user', 'create', '--organisation', code, '--email', taken, '--name', 'First'])).code).toBe(0);
    const cases: Array<[string[], RegExp]> = [
      [['user', 'create', '--organisation', code], /user create needs --organisation, --email and --name/],
      [
        ['user', 'create', '--organisation', code, '--email', 'not-an-address', '--name', 'X'],
        /email must be an email address/,
      ],
      [
        ['user', 'create', '--organisation', `NOBODY-${tag}`, '--email', `x.${tag}@example.com`, '--name', 'X'],
        /There is no organisation with code NOBODY-/,
      ],
      [['user', 'create', '--organisation', code, '--email', taken, '--name', 'Again'], /already exists/],
      [['user', 'deactivate'], /user deactivate needs --email/],
      [['user', 'deactivate', '--email', `nobody.${tag}@example.com`], /No user nobody\./],
    ];
    const runs = await Promise.all(cases.map(([args]) => admin(args)));
    expect(
      runs.map((r, i) => ({
        failed: r.code !== 0,
        reason: cases[i][1].test(r.stderr),
        stack: /\n\s+at /.test(r.stderr),
      })),
    ).toEqual(cases.map(() => ({ failed: true, reason: true, stack: false })));
  });
});

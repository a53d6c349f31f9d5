import { HttpStatus } from '@nestjs/common';
import type { Repository } from 'typeorm';
import type { MigrationEntity } from '@idp/persistence';
import { roleInMigration, type Participation } from '../auth/access';
import { ProblemException, problemType } from '../common/problem';
import type { PageRequest } from './pages';
import { ROLE_LABELS } from './presenters';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The viewer's part in a migration, as the API's guard decides it: not theirs is "not found", so ids of others'
 * migrations are not confirmed; a role not in `roles` is refused with who the action is for.
 */
export async function participationOf(
  rows: Repository<MigrationEntity>,
  req: PageRequest,
  id: string,
  roles?: string[],
): Promise<Participation> {
  const migration = UUID.test(id) ? await rows.findOneBy({ id }) : null;
  const role = migration ? roleInMigration(req.caller!, migration) : undefined;
  if (!migration || !role) {
    throw new ProblemException(HttpStatus.NOT_FOUND, {
      type: problemType('not-found'),
      title: 'Migration not found',
      detail: 'There is no such migration, or your organisation does not take part in it.',
    });
  }
  if (roles && !roles.includes(role)) {
    throw new ProblemException(HttpStatus.FORBIDDEN, {
      type: problemType('forbidden'),
      title: 'You cannot do this',
      detail: `In this migration your organisation is the ${ROLE_LABELS[role] ?? role}; this is for the ${roles.map((r) => ROLE_LABELS[r]).join(' or ')}.`,
    });
  }
  return { migration, role };
}

import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, type Repository } from 'typeorm';
import { AppUserEntity, OrganisationEntity } from '@idp/persistence';
import { ProblemException, problemType } from '../common/problem';
import type { Caller } from '../organisations/organisations.service';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A person with their organisation, as sign-in and the pages need them. */
export interface Person {
  id: string;
  email: string;
  name: string;
  organisation: Pick<OrganisationEntity, 'id' | 'role' | 'code' | 'name'>;
}

/**
 * People who sign in to the pages. One service for the admin command, the demo seed and sign-in; a person acts as
 * their organisation with the same rights as its API keys.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(AppUserEntity) private readonly users: Repository<AppUserEntity>,
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
  ) {}

  async create(input: { organisation: string; email: string; name: string }): Promise<Person> {
    const email = input.email?.trim().toLowerCase() ?? '';
    if (!EMAIL.test(email) || email.length > 320) throw invalid('email', 'email must be an email address');
    const name = input.name?.trim() ?? '';
    if (!name || name.length > 200) throw invalid('name', 'name must be 1–200 characters');
    const organisation = await this.organisationByCode(input.organisation);
    try {
      const user = await this.users.save(
        this.users.create({ id: randomUUID(), email, name, organisationId: organisation.id, active: true }),
      );
      return toPerson(user, organisation);
    } catch (error) {
      if (error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505') {
        throw new ProblemException(HttpStatus.CONFLICT, {
          type: problemType('user-exists'),
          title: 'User already exists',
          detail: `A user with email ${email} already exists.`,
        });
      }
      throw error;
    }
  }

  /** Everyone, or the people of one organisation (by code), by organisation then email. */
  async list(organisationCode?: string): Promise<Array<Person & { active: boolean }>> {
    const orgs = organisationCode
      ? [await this.organisationByCode(organisationCode)]
      : await this.organisations.find({ order: { code: 'ASC' } });
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const users = await this.users.find({ order: { email: 'ASC' } });
    return users
      .filter((u) => byId.has(u.organisationId))
      .map((u) => ({ ...toPerson(u, byId.get(u.organisationId)!), active: u.active }))
      .sort((a, b) => a.organisation.code.localeCompare(b.organisation.code));
  }

  async deactivate(email: string): Promise<Person> {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase() });
    if (!user) throw new ProblemException(HttpStatus.NOT_FOUND, { title: 'Not found', detail: `No user ${email}.` });
    await this.users.update({ id: user.id }, { active: false });
    return toPerson(user, await this.organisations.findOneByOrFail({ id: user.organisationId }));
  }

  /** The active person with this email (as an identity provider or a sign-in link vouched for it), if any. */
  async findActiveByEmail(email: string): Promise<Person | undefined> {
    const user = await this.users.findOneBy({ email: email.trim().toLowerCase(), active: true });
    return user ? this.withOrganisation(user) : undefined;
  }

  async findActiveById(id: string): Promise<Person | undefined> {
    const user = await this.users.findOneBy({ id, active: true });
    return user ? this.withOrganisation(user) : undefined;
  }

  async recordSignIn(id: string): Promise<void> {
    await this.users.update({ id }, { lastSignedInAt: new Date() });
  }

  private async withOrganisation(user: AppUserEntity): Promise<Person> {
    return toPerson(user, await this.organisations.findOneByOrFail({ id: user.organisationId }));
  }

  private async organisationByCode(code: string): Promise<OrganisationEntity> {
    const organisation = await this.organisations.findOneBy({ code: code?.trim() ?? '' });
    if (!organisation) throw invalid('organisation', `There is no organisation with code ${code}.`);
    return organisation;
  }
}

/** The caller a signed-in person acts as: their organisation, with their own name for the audit trail. */
export function callerOf(person: Person): Caller {
  return {
    organisationId: person.organisation.id,
    role: person.organisation.role,
    code: person.organisation.code,
    name: person.name,
  };
}

function toPerson(user: AppUserEntity, org: OrganisationEntity): Person {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    organisation: { id: org.id, role: org.role, code: org.code, name: org.name },
  };
}

function invalid(field: string, message: string): ProblemException {
  return new ProblemException(HttpStatus.BAD_REQUEST, {
    type: problemType('validation'),
    title: 'The request has invalid fields',
    detail: message,
    errors: [{ field, message }],
  });
}

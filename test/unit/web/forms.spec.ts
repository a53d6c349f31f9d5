import { ukLocalToIso } from '../../../apps/api/src/web/migration-page.controller';
import { RecordChecksDto, TestCriterionInputDto } from '../../../apps/api/src/data-checking/dto/requests.dto';
import { ReasonDto, ReplanDto } from '../../../apps/api/src/migrations/dto/commands.dto';
import { ProblemException } from '../../../apps/api/src/common/problem';
import { refusalOf, validateForm } from '../../../apps/api/src/web/forms';
import { validateEnvironment } from '@idp/config';

describe('page forms', () => {
  it('are checked by the API’s own DTOs, with the same messages, and empty fields count as not given', async () => {
    const { errors } = await validateForm(ReasonDto, { reason: '' });
    expect(errors).toEqual([expect.objectContaining({ field: 'reason', href: '#reason' })]);
    const ok = await validateForm(ReplanDto, { reason: 'supplier asked', plannedGoLive: '' });
    expect(ok.errors).toEqual([]);
    expect(ok.value.plannedGoLive).toBeUndefined();
  });

  it('give one message per field: a required field left empty is required, a word for a number is not a number', async () => {
    const { errors } = await validateForm(TestCriterionInputDto, {
      code: 'TC-01',
      description: '',
      patientsToSelect: 'lots',
    });
    expect(errors).toEqual([
      { field: 'description', text: 'description is required', href: '#description' },
      { field: 'category', text: 'category is required', href: '#category' },
      {
        field: 'patientsToSelect',
        text: 'patientsToSelect must be a whole number from 0 to 100',
        href: '#patientsToSelect',
      },
    ]);
  });

  it('name a nested field’s own problem, not "required"', async () => {
    const checks = [{ patientId: '1f0c1c8e-5d7b-4a43-9a31-0d7a4c1b2e3f', category: 'horoscope', result: 'match' }];
    const { errors } = await validateForm(RecordChecksDto, { checks });
    expect(errors).toEqual([
      expect.objectContaining({ field: 'checks[0].category', text: expect.stringMatching(/^category must be one of/) }),
    ]);
  });

  it('show a service’s 4xx refusal as the form’s error, and let anything else through as a failure', () => {
    const refusal = new ProblemException(409, { title: 'Refused', detail: 'Extract requested must come first.' });
    expect(refusalOf(refusal)).toEqual([{ field: 'form', text: 'Extract requested must come first.', href: '#form' }]);
    expect(() => refusalOf(new Error('bug'))).toThrow('bug');
  });
});

describe('sign-in configuration', () => {
  const base = { DATABASE_URL: 'postgres://u:p@h/d', DATA_ENCRYPTION_KEY: `${'a'.repeat(43)}=` };

  it('takes the OpenID Connect issuer, client id and secret together or not at all', () => {
    expect(() => validateEnvironment({ ...base, OIDC_ISSUER_URL: 'https://cis2.example' })).toThrow(
      /OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together/,
    );
    const env = validateEnvironment({
      ...base,
      OIDC_ISSUER_URL: 'https://cis2.example',
      OIDC_CLIENT_ID: 'idp',
      OIDC_CLIENT_SECRET: 'secret',
    });
    expect(env.OIDC_CLIENT_ID).toBe('idp');
    expect(env.EMAIL_SIGN_IN).toBe(true);
  });

  it('refuses a short session secret', () => {
    expect(() => validateEnvironment({ ...base, SESSION_SECRET: 'short' })).toThrow(
      /SESSION_SECRET must be at least 32/,
    );
  });
});

describe('training start entered on the page (UK time)', () => {
  it('is an hour ahead of UTC in British Summer Time and equal to it in winter', () => {
    expect(ukLocalToIso('2027-06-14T10:00')).toBe('2027-06-14T09:00:00.000Z');
    expect(ukLocalToIso('2027-01-12T10:00')).toBe('2027-01-12T10:00:00.000Z');
  });

  it('passes anything else on for the form check to refuse', () => {
    expect(ukLocalToIso('2027-02-30T10:00')).toBe('2027-02-30T10:00');
    expect(ukLocalToIso('tomorrow')).toBe('tomorrow');
  });
});

import { validateEnvironment } from '@idp/config';
import { configurationProblems } from '../../support/configuration';
import { notifyFailure, PermanentDeliveryError } from '@idp/notifications';
import { webhookUrlProblem } from '../../../apps/api/src/organisations/webhook-url';

const base = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/idp',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};
const KEY = 'idp_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';
const TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';

const problems = (env: Record<string, string>) => configurationProblems({ ...base, ...env });

describe('GOV.UK Notify configuration', () => {
  it('defaults to SMTP email, Notify off, and Notify’s production API', () => {
    const env = validateEnvironment(base);
    expect(env.EMAIL_PROVIDER).toBe('smtp');
    expect(env.NOTIFY_API_KEY).toBeUndefined();
    expect(env.NOTIFY_BASE_URL).toBe('https://api.notifications.service.gov.uk');
    expect(env.NOTIFY_TIMEOUT_MS).toBe(10_000);
    expect(validateEnvironment({ ...base, NOTIFY_TIMEOUT_MS: '2500' }).NOTIFY_TIMEOUT_MS).toBe(2_500);
  });

  it('accepts Notify email and SMS with a key and template ids', () => {
    expect(
      problems({
        EMAIL_PROVIDER: 'notify',
        NOTIFY_API_KEY: KEY,
        NOTIFY_EMAIL_TEMPLATE_ID: TEMPLATE,
        NOTIFY_SMS_TEMPLATE_ID: TEMPLATE,
      }),
    ).toEqual([]);
    expect(problems({ NOTIFY_API_KEY: KEY, NOTIFY_SMS_TEMPLATE_ID: TEMPLATE })).toEqual([]);
  });

  it.each([
    [
      { EMAIL_PROVIDER: 'notify' },
      ['NOTIFY_API_KEY is required when EMAIL_PROVIDER=notify', 'NOTIFY_EMAIL_TEMPLATE_ID is required'],
    ],
    [{ EMAIL_PROVIDER: 'notify', NOTIFY_API_KEY: KEY }, ['NOTIFY_EMAIL_TEMPLATE_ID must be the id (a UUID)']],
    [{ NOTIFY_SMS_TEMPLATE_ID: TEMPLATE }, ['NOTIFY_API_KEY is required when EMAIL_PROVIDER=notify or a NOTIFY_']],
    [{ NOTIFY_API_KEY: 'not-a-key', NOTIFY_SMS_TEMPLATE_ID: TEMPLATE }, ['NOTIFY_API_KEY must be a GOV.UK Notify']],
    [{ NOTIFY_API_KEY: KEY, NOTIFY_SMS_TEMPLATE_ID: 'sms' }, ['NOTIFY_SMS_TEMPLATE_ID must be the id (a UUID)']],
    [{ EMAIL_PROVIDER: 'pigeon' }, ['EMAIL_PROVIDER must be one of smtp, notify']],
    [{ NOTIFY_BASE_URL: 'api.notifications.service.gov.uk' }, ['NOTIFY_BASE_URL must be an http(s) origin']],
    [{ NOTIFY_TIMEOUT_MS: '10s' }, ['NOTIFY_TIMEOUT_MS must be an integer from 100 to 60000']],
    [{ NOTIFY_TIMEOUT_MS: '0' }, ['NOTIFY_TIMEOUT_MS must be an integer from 100 to 60000']],
    [{ NOTIFY_TIMEOUT_MS: '600000' }, ['NOTIFY_TIMEOUT_MS must be an integer from 100 to 60000']],
  ])('refuses %j with a message naming the variable', (env, messages) => {
    expect(problems(env as Record<string, string>)).toEqual(messages.map((m) => expect.stringContaining(m)));
  });
});

describe('Notify failures', () => {
  const refusal = (status: number) => ({
    response: {
      status,
      data: { status_code: status, errors: [{ error: 'BadRequestError', message: 'Template not found' }] },
    },
    config: { headers: { Authorization: 'Bearer secret.jwt.token' } },
  });

  it('treats 4xx as permanent and 429, 5xx and network errors as retryable, never passing the token on', () => {
    const bad = notifyFailure('email', refusal(400));
    expect(bad).toBeInstanceOf(PermanentDeliveryError);
    expect(bad.message).toBe('GOV.UK Notify refused the email with HTTP 400 (BadRequestError: Template not found)');
    for (const retryable of [refusal(429), refusal(500), { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }]) {
      const failure = notifyFailure('sms', retryable);
      expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
      expect(failure.message).not.toContain('secret.jwt.token');
    }
    expect(notifyFailure('sms', { code: 'ECONNREFUSED' }).message).toBe(
      'GOV.UK Notify could not be reached for sms: ECONNREFUSED',
    );
  });

  it.each(['ETIMEDOUT', 'ECONNABORTED', 'ERR_CANCELED'])(
    'treats a call cut by its timeout (%s) as retryable',
    (code) => {
      const failure = notifyFailure('email', { code, message: 'timeout of 10000ms exceeded' });
      expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
      expect(failure.message).toBe('GOV.UK Notify did not answer the email in time (NOTIFY_TIMEOUT_MS); it is retried');
    },
  );
});

describe('webhook URLs', () => {
  it.each([
    ['https://supplier.example/idp-webhook', undefined],
    ['http://localhost:8080/hook', undefined],
    ['http://127.0.0.1:8080/hook', undefined],
    ['http://supplier.example/hook', 'url must use https (plain http is allowed only for localhost)'],
    ['ftp://supplier.example/hook', 'url must use https (plain http is allowed only for localhost)'],
    ['https://user:pw@supplier.example/hook', 'url must not contain a user name or password'],
    ['/relative', 'url must be an absolute https URL, e.g. https://supplier.example/idp-webhook'],
  ])('%s', (url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });
});

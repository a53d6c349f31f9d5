import { validateEnvironment } from '@idp/config';
import {
  DELIVERY_LIMIT_MS,
  NOTIFY_HEARTBEAT_TIMEOUT_MS,
  NOTIFY_TIMEOUT_MAX_MS,
  notifyAttemptTimeoutMs,
} from '@idp/domain';
import { deliveringWithin, NOTIFICATION_WEBHOOK_POLICY, SMTP_TIMEOUTS } from '@idp/notifications';
import { configurationProblems } from '../../support/configuration';

const base = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/idp',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

/** The most participants a kickoff or a participants change may name (the API's limit). */
const MOST_RECIPIENTS = 50;

describe('the notify activity’s time limits', () => {
  it('give each delivery more time than any channel’s own timeouts, for every valid configuration', () => {
    expect(validateEnvironment({ ...base, NOTIFY_TIMEOUT_MS: String(NOTIFY_TIMEOUT_MAX_MS) }).NOTIFY_TIMEOUT_MS).toBe(
      NOTIFY_TIMEOUT_MAX_MS,
    );
    expect(configurationProblems({ ...base, NOTIFY_TIMEOUT_MS: String(NOTIFY_TIMEOUT_MAX_MS + 1) })).toEqual([
      expect.stringContaining(`NOTIFY_TIMEOUT_MS must be an integer from 100 to ${NOTIFY_TIMEOUT_MAX_MS}`),
    ]);
    expect(NOTIFY_TIMEOUT_MAX_MS).toBeLessThan(DELIVERY_LIMIT_MS);

    const { attempts, timeoutMs, backoffMs } = NOTIFICATION_WEBHOOK_POLICY;
    const webhookWorstCase = attempts * timeoutMs + backoffMs * (2 ** (attempts - 1) - 1);
    expect(webhookWorstCase).toBeLessThan(DELIVERY_LIMIT_MS);

    // Connecting, the greeting, then one idle wait of the socket.
    const smtpUnresponsive =
      SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout + SMTP_TIMEOUTS.socketTimeout;
    expect(smtpUnresponsive).toBeLessThan(DELIVERY_LIMIT_MS);
  });

  it.each([1, 2, 5, 8, MOST_RECIPIENTS])(
    'let one attempt for %i recipients run every delivery to its limit, with a heartbeat timeout’s database work around each',
    (recipients) => {
      const attempt = notifyAttemptTimeoutMs(recipients);
      expect(attempt).toBeGreaterThanOrEqual(recipients * (DELIVERY_LIMIT_MS + 2 * NOTIFY_HEARTBEAT_TIMEOUT_MS));
      // The fixed two minutes this replaced could not hold two Notify calls at the longest timeout and their work.
      expect(attempt).toBeGreaterThan(recipients * NOTIFY_TIMEOUT_MAX_MS);
    },
  );
});

describe('waiting for one delivery', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it('reports progress every 2 s while a slow call works, and returns its result when it ends before the limit', async () => {
    let progress = 0;
    const waiting = deliveringWithin(after(9_900, 'sent'), 10_000, () => (progress += 1));
    await jest.advanceTimersByTimeAsync(9_900);
    await expect(waiting).resolves.toBe('sent');
    expect(progress).toBe(4);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(progress).toBe(4);
  });

  it('gives up on a call still pending at the limit, as a retryable failure', async () => {
    let progress = 0;
    const waiting = deliveringWithin(new Promise<never>(() => undefined), 10_000, () => (progress += 1));
    const outcome = expect(waiting).rejects.toThrow('the delivery did not finish within 10 s; it is retried');
    await jest.advanceTimersByTimeAsync(10_000);
    await outcome;
    expect(progress).toBe(5);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(progress).toBe(5);
  });

  it('passes on the channel’s own failure', async () => {
    const failing = Promise.reject(new Error('GOV.UK Notify refused the email with HTTP 500'));
    await expect(deliveringWithin(failing, 10_000, () => undefined)).rejects.toThrow('HTTP 500');
  });
});

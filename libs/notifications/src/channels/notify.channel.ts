import axios, { type AxiosInstance } from 'axios';
import { NotifyClient } from 'notifications-node-client';
import type { Participant } from '@idp/domain';
import { PermanentDeliveryError, type NotificationChannel, type OutgoingMessage } from './channel';

export interface NotifySettings {
  apiKey: string;
  /** https://api.notifications.service.gov.uk, or a stand-in in tests. */
  baseUrl: string;
  templateId: string;
  /** How long one call may take, from connecting to the last byte of the answer (NOTIFY_TIMEOUT_MS). */
  timeoutMs: number;
}

interface NotifyErrorResponse {
  status?: number;
  data?: { errors?: Array<{ error?: string; message?: string }> };
}

/** axios' codes for a call cut by its `timeout` (idle socket) or by the abort signal (whole call). */
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/**
 * The HTTP client of every Notify call: without a timeout a hung call would hold the activity until the sender's
 * limit for one delivery (DELIVERY_LIMIT_MS) gave up on it while it may still go through. axios' own `timeout` only
 * watches an idle socket, so a signal per call bounds the whole call too.
 */
export function notifyHttpClient(timeoutMs: number): AxiosInstance {
  const client = axios.create({ timeout: timeoutMs, transitional: { clarifyTimeoutError: true } });
  client.interceptors.request.use((config) => ({ ...config, signal: AbortSignal.timeout(timeoutMs) }));
  return client;
}

/**
 * Turns a failed Notify call into our error: 4xx other than 429 (unknown template, invalid address or number,
 * bad key) is permanent and carries Notify's own message; 429, 5xx, network errors and timeouts are retried. The
 * axios error itself is never passed on: its request config holds the signed token.
 */
export function notifyFailure(kind: 'email' | 'sms', error: unknown): Error {
  const response = (error as { response?: NotifyErrorResponse })?.response;
  const code = (error as { code?: string })?.code;
  if (!response?.status && code && TIMED_OUT.has(code)) {
    // Notify may have accepted it all the same: the retry carries the same reference, so a duplicate shows there.
    return new Error(`GOV.UK Notify did not answer the ${kind} in time (NOTIFY_TIMEOUT_MS); it is retried`);
  }
  if (!response?.status) {
    const reason = (error as { code?: string; message?: string })?.code ?? 'no response';
    return new Error(`GOV.UK Notify could not be reached for ${kind}: ${reason}`);
  }
  const details = (response.data?.errors ?? []).map((e) => [e.error, e.message].filter(Boolean).join(': ')).join('; ');
  const message = `GOV.UK Notify refused the ${kind} with HTTP ${response.status}${details ? ` (${details})` : ''}`;
  return response.status >= 400 && response.status < 500 && response.status !== 429
    ? new PermanentDeliveryError(message)
    : new Error(message);
}

/**
 * Email or text message through GOV.UK Notify. One Notify template per kind carries any of our messages through
 * personalisation: `subject` and `body` (email), `subject` and `link` (SMS: a text stays short). The outbox key is
 * Notify's `reference`, the same on every retry, so a message can be traced in Notify's dashboard and one sent
 * twice (a call that timed out after Notify accepted it) is recognisable there.
 */
export class NotifyChannel implements NotificationChannel {
  private readonly client: NotifyClient;

  constructor(
    readonly name: 'email' | 'sms',
    private readonly settings: NotifySettings,
  ) {
    this.client = new NotifyClient(settings.baseUrl, settings.apiKey);
    this.client.setClient(notifyHttpClient(settings.timeoutMs));
  }

  canReach(to: Participant): boolean {
    return !!this.addressOf(to);
  }

  addressOf(to: Participant): string | null {
    return (this.name === 'email' ? to.email : to.phone) ?? null;
  }

  async deliver(message: OutgoingMessage): Promise<void> {
    const reference = message.idempotencyKey;
    try {
      if (this.name === 'email')
        await this.client.sendEmail(this.settings.templateId, message.to.email!, {
          personalisation: { subject: message.subject, body: message.text },
          reference,
        });
      else
        await this.client.sendSms(this.settings.templateId, message.to.phone!, {
          personalisation: { subject: message.subject, link: message.about.url },
          reference,
        });
    } catch (error) {
      throw notifyFailure(this.name, error);
    }
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signPayload } from '@idp/security';

export interface SignedWebhook {
  url: string;
  /** The receiving organisation's signing secret (decrypted). */
  secret: string;
  /** What happened, e.g. `notification.reminder` or `supplier.request-extract`; sent as `IDP-Event`. */
  event: string;
  /** Unique per delivery and the same on every retry of it, so the receiver can drop duplicates. */
  deliveryId: string;
  payload: unknown;
}

export interface WebhookPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts within one call; the caller (a Temporal activity) retries the whole call with its own backoff. */
  attempts: number;
  /** First pause between attempts, doubled after each. */
  backoffMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { timeoutMs: 10_000, attempts: 3, backoffMs: 500 };

/** A delivery the receiver refused for good (4xx other than 408/429): retrying cannot help. */
export class WebhookRejectedError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`webhook ${redactUrl(url)} refused the delivery with HTTP ${status}`);
    this.name = 'WebhookRejectedError';
  }
}

/** Query strings can carry tokens; errors and logs show scheme, host and path only. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Posts a JSON payload signed with HMAC-SHA256 (see libs/security/webhook-signature.ts), retrying network
 * errors, timeouts, 408, 429 and 5xx with exponential backoff. Each attempt is signed afresh (new timestamp).
 * Returns the receiver's status; throws when every attempt failed or the receiver refused it.
 */
export async function postSignedWebhook(
  hook: SignedWebhook,
  policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
): Promise<number> {
  const body = JSON.stringify(hook.payload);
  let lastError = 'no attempt made';
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (attempt > 1) await sleep(policy.backoffMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'idp-orchestrator-webhooks',
          [SIGNATURE_HEADER]: signPayload(hook.secret, body, Math.floor(Date.now() / 1000)),
          [DELIVERY_HEADER]: hook.deliveryId,
          [EVENT_HEADER]: hook.event,
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) return response.status;
      if (response.status < 500 && response.status !== 408 && response.status !== 429)
        throw new WebhookRejectedError(response.status, hook.url);
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof WebhookRejectedError) throw error;
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  throw new Error(`webhook ${redactUrl(hook.url)} failed after ${policy.attempts} attempts: ${lastError}`);
}

import type { DataSource } from 'typeorm';
import type { Participant } from '@idp/domain';
import type { FieldCipher } from '@idp/security';
import { postSignedWebhook, WebhookRejectedError, type WebhookPolicy } from '@idp/webhooks';
import { PermanentDeliveryError, type NotificationChannel, type OutgoingMessage } from './channel';

interface Endpoint {
  code: string;
  url: string;
  encryptedSecret: string;
}

/**
 * Two quick attempts (at most 8.5 s), well inside the sender's limit for one delivery (DELIVERY_LIMIT_MS); Temporal's
 * retry of the activity, with its own backoff, makes the further attempts.
 */
export const NOTIFICATION_WEBHOOK_POLICY: WebhookPolicy = { timeoutMs: 4_000, attempts: 2, backoffMs: 500 };

/** Query strings can carry tokens: the outbox keeps scheme, host and path only. */
const withoutQuery = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
};

/**
 * Process alerts as signed JSON POSTs to the webhook of the participant's organisation, for participants who
 * asked for `webhook`. Participants name their organisation in free text, so the organisation is the one the
 * migration names for the participant's role (its ICB, suppliers, delivery partner or practice). The outbox key
 * is the `IDP-Delivery` id, the same on every retry.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook';
  constructor(
    private readonly db: DataSource,
    private readonly cipher: FieldCipher,
    private readonly policy: WebhookPolicy = NOTIFICATION_WEBHOOK_POLICY,
  ) {}

  async canReach(to: Participant, migrationId: string | null): Promise<boolean> {
    return to.notificationPreference === 'webhook' && !!(await this.endpointOf(to, migrationId));
  }

  async addressOf(to: Participant, migrationId: string | null): Promise<string | null> {
    const endpoint = await this.endpointOf(to, migrationId);
    return endpoint ? withoutQuery(endpoint.url) : null;
  }

  async deliver(message: OutgoingMessage): Promise<void> {
    const endpoint = await this.endpointOf(message.to, message.about.migrationId);
    if (!endpoint) throw new PermanentDeliveryError(`the ${message.to.role}'s organisation has no webhook any more`);
    const event = `notification.${message.about.kind}`;
    try {
      await postSignedWebhook(
        {
          url: endpoint.url,
          secret: this.cipher.decrypt(endpoint.encryptedSecret),
          event,
          deliveryId: message.idempotencyKey,
          payload: {
            event,
            deliveryId: message.idempotencyKey,
            migrationId: message.about.migrationId,
            organisation: endpoint.code,
            recipientRole: message.to.role,
            subject: message.subject,
            text: message.text,
            dueAt: message.about.dueAt ?? null,
            url: message.about.url,
          },
        },
        this.policy,
      );
    } catch (error) {
      if (error instanceof WebhookRejectedError) throw new PermanentDeliveryError(error.message);
      throw error;
    }
  }

  private async endpointOf(to: Participant, migrationId: string | null): Promise<Endpoint | undefined> {
    if (!migrationId) return undefined;
    const rows: Endpoint[] = await this.db.query(
      `SELECT o.code, o.webhook_url AS url, o.webhook_secret_encrypted AS "encryptedSecret"
         FROM migration m JOIN organisation o ON o.code = CASE $2
           WHEN 'icb' THEN m.icb_code WHEN 'delivery-partner' THEN m.delivery_partner
           WHEN 'current-supplier' THEN m.current_supplier WHEN 'new-supplier' THEN m.new_supplier
           WHEN 'practice' THEN m.practice_ods_code END
        WHERE m.id = $1 AND o.webhook_url IS NOT NULL AND o.webhook_secret_encrypted IS NOT NULL`,
      [migrationId, to.role],
    );
    return rows[0];
  }
}

import { ApplicationFailure } from '@temporalio/common';
import { graphFor } from '@idp/domain';
import type { FieldCipher } from '@idp/security';
import { postSignedWebhook, WebhookRejectedError, type WebhookPolicy } from '@idp/webhooks';
import { UniformSupplierAdapter, type SupplierCall } from './supplier-adapter';

/** The JSON body a supplier's endpoint receives (README "Supplier integration" documents it). */
export interface SupplierWebhookPayload {
  event: string;
  migration: {
    id: string;
    practiceOdsCode: string;
    practiceName: string;
    icbCode: string;
    currentSupplier: string;
    newSupplier: string;
    plannedGoLive: string;
  };
  request: {
    key: string;
    kind: string;
    supplierRole: string;
    round: number;
    milestone?: string;
    milestones: Array<{ key: string; title: string }>;
    dueAt?: string;
    remedy?: string;
    summary?: { accuracyPercent?: number; completenessPercent?: number; openIssues?: number };
  };
  links: Record<string, string>;
}

/** The signed body for a call: milestones and links only, never a patient identifier. */
export function supplierWebhookPayload(call: SupplierCall, publicBaseUrl: string): SupplierWebhookPayload {
  const { request, migration } = call;
  const titles = new Map(graphFor().milestones.map((m) => [m.key, m.title]));
  const base = `${publicBaseUrl.replace(/\/$/, '')}/v1/migrations/${migration.migrationId}`;
  const links: Record<string, string> = { migration: base, events: `${base}/events` };
  if (request.milestones.length > 0) links.report = `${base}/milestones/{milestone}`;
  if (request.kind === 'send-selected-patients-and-reports') {
    // The patient list itself is fetched with the supplier's API key, never pushed.
    links.selectedPatients = `${base}/patients.csv`;
    links.reports = `${base}/report-figures.csv`;
  }
  return {
    event: `supplier.${request.kind}`,
    migration: {
      id: migration.migrationId,
      practiceOdsCode: migration.practiceOdsCode,
      practiceName: migration.practiceName,
      icbCode: migration.icbCode,
      currentSupplier: migration.currentSupplier,
      newSupplier: migration.newSupplier,
      plannedGoLive: migration.plannedGoLive,
    },
    request: {
      key: request.key,
      kind: request.kind,
      supplierRole: request.supplierRole,
      round: request.round,
      milestone: request.milestone,
      milestones: request.milestones.map((key) => ({ key, title: titles.get(key) ?? key })),
      dueAt: request.dueAt === undefined ? undefined : new Date(request.dueAt).toISOString(),
      remedy: request.remedy,
      // The figures only: the practice's free-text note could name a patient.
      summary: request.summary && {
        accuracyPercent: request.summary.accuracyPercent,
        completenessPercent: request.summary.completenessPercent,
        openIssues: request.summary.openIssues,
      },
    },
    links,
  };
}

/**
 * Posts each request, signed with the organisation's own secret, to its `webhookUrl`; `IDP-Delivery` is the request
 * key, the same on every retry. A refusal (4xx) or a supplier without an endpoint is final: retrying cannot help.
 */
export class WebhookSupplierAdapter extends UniformSupplierAdapter {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly publicBaseUrl: string,
    private readonly policy?: WebhookPolicy,
  ) {
    super();
  }

  protected async send(call: SupplierCall): Promise<string> {
    const { organisation } = call;
    if (!organisation.webhookUrl || !organisation.webhookSecretEncrypted) {
      throw ApplicationFailure.nonRetryable(
        `supplier ${organisation.code} uses the webhook adapter but has no webhook URL and secret`,
        'SupplierNotConfigured',
      );
    }
    const payload = supplierWebhookPayload(call, this.publicBaseUrl);
    try {
      const status = await postSignedWebhook(
        {
          url: organisation.webhookUrl,
          secret: this.cipher.decrypt(organisation.webhookSecretEncrypted),
          event: payload.event,
          deliveryId: call.request.key,
          payload,
        },
        this.policy,
      );
      return `webhook answered ${status}`;
    } catch (error) {
      if (error instanceof WebhookRejectedError)
        throw ApplicationFailure.nonRetryable(error.message, 'SupplierRejectedRequest');
      throw error;
    }
  }
}

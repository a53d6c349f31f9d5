import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { DigestActivityContract, SendDigestResult } from '@idp/activities/contracts';

// A mail server that is down is retried for about a day; the next week's digest follows regardless.
const { listDigestRecipients, sendDigest } = proxyActivities<DigestActivityContract>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 30 },
});

export interface WeeklyDigestResult {
  sent: string[];
  alreadySent: string[];
  nothingToReport: string[];
  failed: Array<{ code: string; error: string }>;
}

/**
 * One digest email per ICB and delivery partner with a contact address. The run's workflow id (the schedule
 * appends the scheduled time to it) keys each message, so a retried activity or a re-run never sends twice. One
 * organisation whose digest cannot be delivered does not hold back the others.
 */
export async function weeklyDigest(): Promise<WeeklyDigestResult> {
  const runId = workflowInfo().workflowId;
  const result: WeeklyDigestResult = { sent: [], alreadySent: [], nothingToReport: [], failed: [] };
  const recipients = await listDigestRecipients();
  const outcomes = await Promise.allSettled(
    recipients.map((r) => sendDigest({ runId, organisationId: r.organisationId })),
  );
  outcomes.forEach((outcome, i) => {
    const code = recipients[i]!.code;
    if (outcome.status === 'rejected') {
      const cause = (outcome.reason as { cause?: { message?: string } }).cause;
      result.failed.push({ code, error: cause?.message ?? String(outcome.reason) });
      return;
    }
    const lists: Record<SendDigestResult['outcome'], string[]> = {
      sent: result.sent,
      'already-sent': result.alreadySent,
      'nothing-to-report': result.nothingToReport,
    };
    lists[outcome.value.outcome].push(code);
  });
  return result;
}

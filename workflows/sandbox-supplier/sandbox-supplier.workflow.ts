import { proxyActivities, sleep } from '@temporalio/workflow';
import type { SandboxSupplierActivityContract } from '@idp/activities/contracts';
import { reportAt, sandboxPayload } from './sandbox-behaviour';
import type { SandboxSupplierInput, SandboxSupplierResult } from './messages';

// "Not yet" (a prerequisite someone else owes, the API restarting) is retried until it works or the migration closes.
const { sandboxMilestone, sandboxReport } = proxyActivities<SandboxSupplierActivityContract>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * A simulated supplier acting on one request: milestone by milestone, it waits its configured delay on the
 * migration's clock (longer for a `late` one or a failed load), then reports through the public API with the
 * sandbox organisation's own key, exactly as a real supplier would. Milestones already done are left alone.
 */
export async function sandboxSupplier(input: SandboxSupplierInput): Promise<SandboxSupplierResult> {
  const { migrationId, supplierCode, request, settings, time } = input;
  const result: SandboxSupplierResult = { reported: [], skipped: [] };
  for (const milestone of request.milestones) {
    const seen = await sandboxMilestone({ migrationId, supplierCode, milestone });
    if (seen.state === 'done' || seen.state === 'waived') {
      result.skipped.push(milestone);
      continue;
    }
    const dueAt = seen.dueAt === undefined ? undefined : Date.parse(seen.dueAt);
    const at = reportAt(request, milestone, settings, time, Date.now(), dueAt);
    if (at > Date.now()) await sleep(at - Date.now());
    const outcome = await sandboxReport({
      migrationId,
      supplierCode,
      milestone,
      payload: sandboxPayload(request, milestone, settings, time, Date.now()),
      idempotencyKey: `sandbox:${request.key}:${milestone}`,
    });
    (outcome === 'reported' ? result.reported : result.skipped).push(milestone);
    if (outcome === 'closed') break;
  }
  return result;
}

import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { AuditEventInput, IdpActivityContract } from '@idp/activities';
import { compressedPolicy, CURRENT_GRAPH_VERSION } from '@idp/domain';
import { idpWorkflowId } from '@idp/temporal';
import type { idp } from '@idp/workflows';
import { statusQuery } from '@idp/workflows/idp/messages';
import { report } from '../support/idp-steps';
import { eventually, sampleKickoff } from '../support/worker-harness';

/*
 * A notification channel that keeps failing after every retry must not end the migration: the workflow goes on
 * and the failure shows on the migration (a warning in its status and an audit event). The activities here are
 * stand-ins so the channel can fail at once; the Temporal server is the real one.
 */
describe('a notification that cannot be delivered', () => {
  it('is reported on the migration, which carries on', async () => {
    const audit: AuditEventInput[] = [];
    const activities: IdpActivityContract = {
      recordKickoff: async () => undefined,
      projectState: async () => undefined,
      appendAudit: async (event) => {
        audit.push(event);
      },
      notify: async () => {
        throw ApplicationFailure.nonRetryable('SMTP server refused every message', 'NotificationDeliveryFailed');
      },
      requestSupplier: async () => ({ adapter: 'none', outcome: 'not integrated' }),
    };
    const taskQueue = `notify-failure-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
      activities,
    });
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection });
    try {
      await worker.runUntil(async () => {
        const migrationId = randomUUID();
        const handle = await client.workflow.start<typeof idp>('idp', {
          workflowId: idpWorkflowId(migrationId),
          taskQueue,
          args: [
            {
              kickoff: sampleKickoff(migrationId),
              policy: compressedPolicy(60_000),
              graphVersion: CURRENT_GRAPH_VERSION,
            },
          ],
        });
        const status = await eventually(async () => {
          const s = await handle.query(statusQuery, Date.now());
          return s.warnings.includes('notification-failed:kickoff') && s;
        });
        expect(status.status).toBe('active');
        expect(audit.find((e) => e.action === 'notification.failed')?.details).toMatchObject({ kind: 'kickoff' });
        // The process still takes reports.
        await expect(report(handle, 'new-supplier', 'extractRequested')).resolves.toMatchObject({ duplicate: false });
        await handle.terminate('test finished');
      });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});

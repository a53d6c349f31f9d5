import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { AuditEventInput, IdpActivityContract, SupplierRequestInput } from '@idp/activities';
import { compressedPolicy, CURRENT_GRAPH_VERSION } from '@idp/domain';
import { idpWorkflowId } from '@idp/temporal';
import type { idp } from '@idp/workflows';
import { statusQuery } from '@idp/workflows/idp/messages';
import { completeCheckRound, completePreparation, failRound, report } from '../support/idp-steps';
import { eventually, sampleKickoff } from '../support/worker-harness';

/*
 * The workflow asks suppliers through the requestSupplier activity: each request once (duplicate reports, retries
 * and continue-as-new included), and a supplier that cannot be reached is reported on the migration, which carries
 * on. Stand-in activities so a supplier can fail at once; the Temporal server is the real one.
 */
describe('supplier requests from the idp workflow', () => {
  it('asks each supplier once per request, and reports one that cannot be reached', async () => {
    const requests: SupplierRequestInput[] = [];
    const audit: AuditEventInput[] = [];
    const activities: IdpActivityContract = {
      recordKickoff: async () => undefined,
      projectState: async () => undefined,
      appendAudit: async (event) => {
        audit.push(event);
      },
      notify: async () => ({ delivered: 0, skipped: 0 }),
      requestSupplier: async (input) => {
        requests.push(input);
        if (input.request.kind === 'provision-admin-users')
          throw ApplicationFailure.nonRetryable('supplier endpoint refused with HTTP 410', 'SupplierRejectedRequest');
        return { adapter: 'webhook', outcome: 'webhook answered 202' };
      },
    };
    const taskQueue = `supplier-requests-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
      activities,
    });
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const client = new Client({ connection });
    const asked = () => requests.map((r) => `${r.request.kind} → ${r.request.supplierRole} r${r.request.round}`);
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

        // At kickoff: the new supplier is asked to request the extract, create admin logins and train.
        await eventually(async () => requests.length >= 3);
        expect(asked()).toEqual([
          'request-extract → new-supplier r1',
          'provision-admin-users → new-supplier r1',
          'schedule-training → new-supplier r1',
        ]);
        expect(requests[0]).toMatchObject({
          workflowId: idpWorkflowId(migrationId),
          request: { key: `${migrationId}:request-extract:new-supplier:r1`, milestones: ['extractRequested'] },
          migration: { migrationId, currentSupplier: 'EMIS', newSupplier: 'TPP', time: { mode: 'compressed' } },
        });

        // The admin-users request failed for good: a warning on the migration and an audit event; it goes on.
        const warned = await eventually(async () => {
          const s = await handle.query(statusQuery, Date.now());
          return s.warnings.includes('supplier-request-failed:provision-admin-users') && s;
        });
        expect(warned.status).toBe('active');
        await eventually(async () => audit.some((e) => e.action === 'supplier.request-failed'));
        expect(audit.filter((e) => e.action === 'supplier.request-failed')).toEqual([
          expect.objectContaining({
            eventKey: `${idpWorkflowId(migrationId)}:supplier-request-failed:${migrationId}:provision-admin-users:new-supplier:r1`,
            details: expect.objectContaining({
              kind: 'provision-admin-users',
              error: expect.stringContaining('HTTP 410'),
            }),
          }),
        ]);

        // The same report twice asks the current supplier once.
        await report(handle, 'new-supplier', 'extractRequested', {}, 'extract-requested');
        await report(handle, 'new-supplier', 'extractRequested', {}, 'extract-requested-again');
        await eventually(async () => asked().includes('request-extract → current-supplier r1'));

        // Through a whole round and a failed check (the history crosses continue-as-new on the way). A request
        // whose work is already done when the workflow looks is not sent, so each step waits for its request.
        await report(handle, 'current-supplier', 'extractDelivered', { evidence: 'MESH message 42' });
        await eventually(async () => asked().includes('request-test-environment → new-supplier r1'));
        await completePreparation(handle);
        await eventually(async () => asked().includes('request-test-criteria → new-supplier r1'));
        await completeCheckRound(handle);
        await failRound(handle, 're-transform');
        await eventually(async () => asked().includes('request-test-environment → new-supplier r2'));
        const runs = await eventually(async () => {
          const { runId } = await handle.describe();
          return runId !== handle.firstExecutionRunId && runId;
        });
        expect(runs).toBeTruthy();

        expect(asked()).toEqual([
          'request-extract → new-supplier r1',
          'provision-admin-users → new-supplier r1',
          'schedule-training → new-supplier r1',
          'request-extract → current-supplier r1',
          'request-test-environment → new-supplier r1',
          'request-test-criteria → new-supplier r1',
          'send-selected-patients-and-reports → new-supplier r1',
          'report-issues → new-supplier r1',
          'request-test-environment → new-supplier r2',
        ]);
        expect(requests.find((r) => r.request.kind === 'report-issues')?.request).toMatchObject({
          remedy: 're-transform',
          milestones: [],
        });
        expect(requests.at(-1)?.request.milestones).toEqual(['extractLoaded', 'testSystemAvailable']);
        await handle.terminate('test finished');
      });
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});

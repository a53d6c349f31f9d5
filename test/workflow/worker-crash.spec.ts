import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { compressedPolicy, CURRENT_GRAPH_VERSION } from '@idp/domain';
import { idpWorkflowId } from '@idp/temporal';
import type { idp } from '@idp/workflows';
import { cancelUpdate, statusQuery } from '@idp/workflows/idp/messages';
import { DataSource } from 'typeorm';
import { actors, report } from '../support/idp-steps';
import { notificationsOf } from '../support/projection';
import { exited, spawnApp } from '../support/processes';
import { eventually, sampleKickoff } from '../support/worker-harness';

/*
 * The worker process is killed (SIGKILL: no graceful shutdown) while the IDP runs and reminders are going out,
 * then started again. Nothing is lost, and no notification is recorded or delivered twice.
 */
describe('a worker killed mid-run', () => {
  const taskQueue = `crash-${randomUUID()}`;
  const env = { TEMPORAL_TASK_QUEUE: taskQueue };
  let connection: Connection;
  let client: Client;
  let db: DataSource;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    client = new Client({ connection });
    db = await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize();
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await connection?.close();
    await db?.destroy();
  });

  it('loses nothing and sends no notification twice', async () => {
    worker = spawnApp('worker', env);
    const migrationId = randomUUID();
    const handle = await client.workflow.start<typeof idp>('idp', {
      workflowId: idpWorkflowId(migrationId),
      taskQueue,
      args: [
        { kickoff: sampleKickoff(migrationId), policy: compressedPolicy(500), graphVersion: CURRENT_GRAPH_VERSION },
      ],
    });
    await report(handle, 'new-supplier', 'extractRequested');
    await eventually(async () => (await notificationsOf(db, migrationId)).some((n) => n.kind === 'reminder'), 20_000);

    worker.kill('SIGKILL');
    await exited(worker);
    // A report made while no worker runs waits for one, then lands.
    const pending = report(handle, 'new-supplier', 'adminUsersProvisioned', { adminUsers: [{ name: 'Pat Practice' }] });
    await new Promise((r) => setTimeout(r, 1500));
    worker = spawnApp('worker', env);
    await expect(pending).resolves.toMatchObject({ milestone: 'adminUsersProvisioned', duplicate: false });

    const rows = await eventually(async () => {
      const r = await notificationsOf(db, migrationId);
      return r.some((n) => n.kind === 'escalation' && n.recipient_role === 'icb') && r;
    }, 30_000);
    const keys: Array<{ total: number; distinct: number }> = await db.query(
      `SELECT count(*)::int AS total, count(DISTINCT notification_key)::int AS distinct FROM notification WHERE migration_id = $1`,
      [migrationId],
    );
    expect(keys[0].total).toBe(keys[0].distinct);
    // Each alert reached each recipient once: no (kind, subject, recipient) twice.
    const seen = new Set(rows.map((r) => `${r.kind}|${r.subject}|${r.recipient_role}`));
    expect(seen.size).toBe(rows.length);
    // Messages in flight when we looked are delivered shortly after; none stays pending or fails.
    await eventually(async () => (await notificationsOf(db, migrationId)).every((r) => r.status === 'sent'));

    const status = await handle.query(statusQuery, Date.now());
    expect(status.milestones.find((m) => m.key === 'extractRequested')?.state).toBe('done');
    expect(status.milestones.find((m) => m.key === 'adminUsersProvisioned')?.state).toBe('done');
    await handle.executeUpdate(cancelUpdate, { args: [{ actor: actors.icb, command: { reason: 'test finished' } }] });
    // A graceful stop: Nest runs the shutdown hooks, then re-raises SIGTERM as its exit.
    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe('SIGTERM');
    worker = undefined;
  });
});

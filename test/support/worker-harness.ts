import { randomInt, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { Module } from '@nestjs/common';
import { ActivitiesModule, IdpActivities, SandboxSupplierActivities } from '@idp/activities';
import { AppConfigModule } from '@idp/config';
import { compressedPolicy, CURRENT_GRAPH_VERSION, type KickoffDetails, type ProcessPolicy } from '@idp/domain';
import { idpWorkflowId } from '@idp/temporal';
import type { IdpWorkflowInput } from '@idp/workflows/idp/messages';
import type { idp } from '@idp/workflows';
import { bindActivities } from '../../apps/worker/src/temporal-worker.service';

@Module({ imports: [AppConfigModule.forRoot(), ActivitiesModule] })
class TestActivitiesModule {}

let runtimeInstalled = false;

/** A real worker (real activities on the test Postgres) on its own task queue, plus a client: one per test file. */
export interface WorkerHarness {
  client: Client;
  db: DataSource;
  taskQueue: string;
  start(
    kickoff?: Partial<KickoffDetails>,
    policy?: ProcessPolicy,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<typeof idp>>;
  stop(): Promise<void>;
}

export async function startWorkerHarness(): Promise<WorkerHarness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const taskQueue = `test-${randomUUID()}`;
  const app: INestApplicationContext = await NestFactory.createApplicationContext(TestActivitiesModule, {
    logger: ['error'],
  });
  const address = process.env.TEMPORAL_ADDRESS!;
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
    activities: bindActivities(app.get(IdpActivities), app.get(SandboxSupplierActivities)),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const db = app.get(DataSource);
  return {
    client,
    db,
    taskQueue,
    async start(kickoff = {}, policy = compressedPolicy(1000)) {
      const migrationId = kickoff.migrationId ?? randomUUID();
      const input: IdpWorkflowInput = {
        kickoff: { ...sampleKickoff(migrationId), ...kickoff },
        policy,
        graphVersion: CURRENT_GRAPH_VERSION,
      };
      return client.workflow.start<typeof idp>('idp', {
        workflowId: idpWorkflowId(migrationId),
        taskQueue,
        args: [input],
      });
    },
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await app.close();
    },
  };
}

/** A practice ODS code unlikely to meet another test's (2.6 million possibilities; test files run in parallel). */
export function randomOdsCode(): string {
  return `${String.fromCharCode(65 + randomInt(26))}${String(randomInt(100_000)).padStart(5, '0')}`;
}

/** A kickoff with one participant of every role; each call gets its own practice ODS code. */
export function sampleKickoff(migrationId: string): KickoffDetails {
  const ods = randomOdsCode();
  return {
    migrationId,
    practiceOdsCode: ods,
    practiceName: 'Riverside Surgery',
    icbCode: 'QHG',
    currentSupplier: 'EMIS',
    newSupplier: 'TPP',
    plannedGoLive: '2027-03-15',
    participants: [
      { name: 'Pat Practice', organisation: 'Riverside Surgery', role: 'practice', email: 'pm@example.nhs.uk' },
      { name: 'Cal Current', organisation: 'EMIS', role: 'current-supplier', email: 'idp@emis.example' },
      { name: 'Nia New', organisation: 'TPP', role: 'new-supplier', email: 'idp@tpp.example' },
      { name: 'Dee Partner', organisation: 'CSU', role: 'delivery-partner', email: 'pm@csu.example' },
      { name: 'Ian ICB', organisation: 'ICB QHG', role: 'icb', email: 'digital@icb.example' },
    ],
    kickedOffBy: { role: 'icb', organisationId: 'QHG' },
  };
}

/** Polls `check` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

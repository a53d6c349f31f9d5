import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DataSource } from 'typeorm';
import { ActivitiesModule, DigestActivities, IdpActivities, SandboxSupplierActivities } from '@idp/activities';
import { AppConfigModule } from '@idp/config';
import { bindActivities, bindDigestActivities } from '../../apps/worker/src/temporal-worker.service';

export interface ActivitiesWorker {
  app: INestApplicationContext;
  db: DataSource;
  client: Client;
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A real worker with every activity the worker app registers, on its own task queue, configured from
 * process.env as it is when this is called (set channel variables first), plus a client.
 */
export async function startActivitiesWorker(): Promise<ActivitiesWorker> {
  const taskQueue = `test-${randomUUID()}`;
  // Compiled here, not at import: the configuration is read when the module is built.
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(), ActivitiesModule],
  }).compile();
  const app = await moduleRef.init();
  const nativeConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
    activities: {
      ...bindActivities(app.get(IdpActivities), app.get(SandboxSupplierActivities)),
      ...bindDigestActivities(app.get(DigestActivities)),
    },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  return {
    app,
    db: app.get(DataSource),
    client: new Client({ connection }),
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await app.close();
    },
  };
}

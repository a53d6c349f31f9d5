import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import {
  DigestActivities,
  IdpActivities,
  SandboxSupplierActivities,
  type DigestActivityContract,
  type IdpActivityContract,
  type SandboxSupplierActivityContract,
} from '@idp/activities';
import type { Environment } from '@idp/config';
import { describeTemporalError, ensureSearchAttributes, ensureWeeklyDigestSchedule } from '@idp/temporal';

/** Binds the injectables' contract methods into the plain object `Worker.create` takes. */
export function bindActivities(
  service: IdpActivityContract,
  sandbox: SandboxSupplierActivityContract,
): IdpActivityContract & SandboxSupplierActivityContract {
  return {
    recordKickoff: service.recordKickoff.bind(service),
    projectState: service.projectState.bind(service),
    appendAudit: service.appendAudit.bind(service),
    notify: service.notify.bind(service),
    requestSupplier: service.requestSupplier.bind(service),
    sandboxMilestone: sandbox.sandboxMilestone.bind(sandbox),
    sandboxReport: sandbox.sandboxReport.bind(sandbox),
  };
}

/** The weekly digest's activities, bound likewise. */
export function bindDigestActivities(service: DigestActivityContract): DigestActivityContract {
  return {
    listDigestRecipients: service.listDigestRecipients.bind(service),
    sendDigest: service.sendDigest.bind(service),
  };
}

/** Where the workflow code comes from: the bundle built by `npm run build` (or the test setup), else the sources. */
export function workflowSource(
  bundlePath: string | undefined,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : { workflowsPath: require.resolve('../../../workflows') };
}

/**
 * Runs the Temporal Worker inside the Nest application context: `start()` once the app's logger is in place;
 * on shutdown `worker.shutdown()`, await the run promise (in-flight activities finish), then close the native
 * connection.
 */
@Injectable()
export class TemporalWorkerService implements OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private connection?: NativeConnection;
  private worker?: Worker;
  private running?: Promise<void>;

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly activities: IdpActivities,
    private readonly digestActivities: DigestActivities,
    private readonly sandboxActivities: SandboxSupplierActivities,
  ) {}

  async start(): Promise<void> {
    const address = this.config.getOrThrow('TEMPORAL_ADDRESS', { infer: true });
    const namespace = this.config.getOrThrow('TEMPORAL_NAMESPACE', { infer: true });
    const taskQueue = this.config.getOrThrow('TEMPORAL_TASK_QUEUE', { infer: true });
    try {
      this.connection = await NativeConnection.connect({ address });
      const added = await ensureSearchAttributes(this.connection, namespace);
      if (added.length > 0) this.logger.log({ msg: 'registered search attributes', added });
      const client = new Client({ connection: this.connection, namespace });
      if (await ensureWeeklyDigestSchedule(client, { taskQueue }))
        this.logger.log({ msg: 'created the weekly digest schedule', taskQueue });
    } catch (error) {
      throw new Error(describeTemporalError(error, address));
    }
    this.worker = await Worker.create({
      connection: this.connection,
      namespace,
      taskQueue,
      ...workflowSource(this.config.get('WORKFLOW_BUNDLE_PATH', { infer: true })),
      activities: {
        ...bindActivities(this.activities, this.sandboxActivities),
        ...bindDigestActivities(this.digestActivities),
      },
    });
    this.running = this.worker.run();
    this.running.catch((error: unknown) => {
      this.logger.error({ msg: 'worker stopped with an error', error: String(error) });
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    this.logger.log({ msg: 'worker polling', address, namespace, taskQueue });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.connection?.close();
  }
}

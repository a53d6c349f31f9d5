import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, WorkflowIdReusePolicy } from '@temporalio/common';
import type { DataSource } from 'typeorm';
import { dataEncryptionKeys, type Environment } from '@idp/config';
import { OrganisationEntity } from '@idp/persistence';
import { FieldCipher } from '@idp/security';
import {
  SandboxApiClient,
  storedSandbox,
  type SandboxMilestoneView,
  type SandboxReportOutcome,
  type StartSandboxWorkflow,
} from '@idp/suppliers';
import type { SandboxMilestoneInput, SandboxReportInput, SandboxSupplierActivityContract } from './contracts';

/**
 * Starts the `sandboxSupplier` workflow from inside the `requestSupplier` activity, on the worker's own client and
 * task queue. An id already used, even by a finished run, means the request was already handed over.
 */
export const startSandboxWorkflow: StartSandboxWorkflow = async (workflowId, input) => {
  const { client, info } = Context.current();
  try {
    await client.workflow.start('sandboxSupplier', {
      workflowId,
      taskQueue: info.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    return 'started';
  } catch (error) {
    // By name: `instanceof` on SDK errors can fail across module registries.
    if ((error as Error)?.name === 'WorkflowExecutionAlreadyStartedError') return 'exists';
    throw error;
  }
};

/** The sandbox supplier's activities: it reads and reports through the public API with its organisation's key. */
@Injectable()
export class SandboxSupplierActivities implements SandboxSupplierActivityContract {
  private readonly cipher: FieldCipher;
  private readonly apiUrl: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<Environment, true>,
  ) {
    this.cipher = new FieldCipher(...dataEncryptionKeys(config));
    this.apiUrl =
      config.get('SANDBOX_API_URL', { infer: true }) ?? config.getOrThrow('PUBLIC_BASE_URL', { infer: true });
  }

  async sandboxMilestone({
    migrationId,
    supplierCode,
    milestone,
  }: SandboxMilestoneInput): Promise<SandboxMilestoneView> {
    return (await this.clientFor(supplierCode)).milestone(migrationId, milestone);
  }

  async sandboxReport(input: SandboxReportInput): Promise<SandboxReportOutcome> {
    const client = await this.clientFor(input.supplierCode);
    return client.report(input.migrationId, input.milestone, input.payload, input.idempotencyKey);
  }

  private async clientFor(supplierCode: string): Promise<SandboxApiClient> {
    const organisation = await this.db.getRepository(OrganisationEntity).findOneBy({ code: supplierCode });
    if (!organisation || organisation.supplierAdapter !== 'sandbox') {
      throw ApplicationFailure.nonRetryable(`${supplierCode} is no longer a sandbox supplier`, 'SupplierNotConfigured');
    }
    const { credentials } = storedSandbox(organisation.adapterSettings);
    return new SandboxApiClient(this.apiUrl, this.cipher.decrypt(credentials.apiKeyEncrypted));
  }
}

import { ApplicationFailure } from '@temporalio/common';
import { sandboxWorkflowId, type SandboxSupplierInput } from '@idp/workflows/sandbox-supplier/messages';
import { InvalidAdapterSettings, parseSandboxSettings, type SandboxSettings } from './sandbox-settings';
import { UniformSupplierAdapter, type SupplierCall } from './supplier-adapter';

/** The sandbox organisation's own API key, kept in its `adapterSettings` beside the behaviour settings. */
export interface SandboxCredentials {
  apiKeyId: string;
  /** FieldCipher-encrypted `idp_…` key. */
  apiKeyEncrypted: string;
}

export type StoredSandboxSettings = SandboxSettings & SandboxCredentials;

/** Splits what is stored in `adapterSettings` into the behaviour settings and the key; throws when either is missing. */
export function storedSandbox(adapterSettings: Record<string, unknown>): {
  settings: SandboxSettings;
  credentials: SandboxCredentials;
} {
  const { apiKeyId, apiKeyEncrypted, ...settings } = adapterSettings;
  if (typeof apiKeyId !== 'string' || typeof apiKeyEncrypted !== 'string') {
    throw new InvalidAdapterSettings([
      {
        field: 'apiKeyEncrypted',
        message: 'the sandbox has no API key: set the adapter again (organisation set-adapter)',
      },
    ]);
  }
  return { settings: parseSandboxSettings(settings), credentials: { apiKeyId, apiKeyEncrypted } };
}

/** Starts a workflow unless one with this id exists (running or finished); says which. */
export type StartSandboxWorkflow = (workflowId: string, input: SandboxSupplierInput) => Promise<'started' | 'exists'>;

/**
 * A simulated supplier, durable and visible in the Temporal UI: each request starts a `sandboxSupplier` workflow
 * (workflows/sandbox-supplier) that acts on it after the configured delays and reports back through the public API.
 */
export class SandboxSupplierAdapter extends UniformSupplierAdapter {
  constructor(private readonly start: StartSandboxWorkflow) {
    super();
  }

  protected async send({ organisation, request, migration }: SupplierCall): Promise<string> {
    let settings: SandboxSettings;
    try {
      settings = storedSandbox(organisation.adapterSettings).settings;
    } catch (error) {
      throw ApplicationFailure.nonRetryable(
        `sandbox supplier ${organisation.code}: ${(error as Error).message}`,
        'SupplierNotConfigured',
      );
    }
    const workflowId = sandboxWorkflowId(migration.migrationId, request.key);
    const outcome = await this.start(workflowId, {
      migrationId: migration.migrationId,
      supplierCode: organisation.code,
      request,
      time: migration.time,
      settings,
    });
    return outcome === 'started'
      ? `sandbox workflow ${workflowId} started`
      : `sandbox workflow ${workflowId} already exists`;
  }
}

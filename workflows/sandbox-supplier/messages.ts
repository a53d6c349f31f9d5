import type { SupplierRequest, TimeScale } from '@idp/domain';
import type { SandboxSettings } from '@idp/suppliers/sandbox-settings';

/** What the sandbox adapter starts a `sandboxSupplier` workflow with: no secret (its API key stays in Postgres). */
export interface SandboxSupplierInput {
  migrationId: string;
  /** The sandbox supplier organisation's code; the activities find its API key by it. */
  supplierCode: string;
  request: SupplierRequest;
  /** The migration's clock. */
  time: TimeScale;
  settings: SandboxSettings;
}

export interface SandboxSupplierResult {
  reported: string[];
  /** Milestones someone else had already done, or that the process no longer wanted. */
  skipped: string[];
}

/** One sandbox workflow per request: starting it again for the same request finds it already there. */
export const sandboxWorkflowId = (migrationId: string, requestKey: string): string =>
  `sandbox:${migrationId}:${requestKey}`;

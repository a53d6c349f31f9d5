import type { SupplierRequestKind } from '@idp/domain';
import type { OrganisationEntity } from '@idp/persistence';
import type { SupplierRequestInput } from '@idp/activities/contracts';

/** One supplier request on its way to the supplier organisation it is for. */
export interface SupplierCall extends SupplierRequestInput {
  organisation: OrganisationEntity;
}

/**
 * How requests reach a supplier, one method per thing the process asks of it. Each resolves with what happened
 * (for the audit trail) and throws when the supplier could not be reached; the activity's retries take it from
 * there. Adapters for supplier standards (GP Connect, IM1, MESH) would implement the same interface.
 */
export interface SupplierAdapter {
  requestExtract(call: SupplierCall): Promise<string>;
  requestTestEnvironment(call: SupplierCall): Promise<string>;
  provisionAdminUsers(call: SupplierCall): Promise<string>;
  scheduleTraining(call: SupplierCall): Promise<string>;
  requestTestCriteria(call: SupplierCall): Promise<string>;
  sendSelectedPatientsAndReports(call: SupplierCall): Promise<string>;
  reportIssues(call: SupplierCall): Promise<string>;
}

const METHODS: Record<SupplierRequestKind, keyof SupplierAdapter> = {
  'request-extract': 'requestExtract',
  'request-test-environment': 'requestTestEnvironment',
  'provision-admin-users': 'provisionAdminUsers',
  'schedule-training': 'scheduleTraining',
  'request-test-criteria': 'requestTestCriteria',
  'send-selected-patients-and-reports': 'sendSelectedPatientsAndReports',
  'report-issues': 'reportIssues',
};

/** Hands a call to the adapter method for its request kind. */
export function dispatch(adapter: SupplierAdapter, call: SupplierCall): Promise<string> {
  return adapter[METHODS[call.request.kind]](call);
}

/**
 * Base of the adapters that treat every kind alike (the webhook and the sandbox differ by what they carry, not by
 * which request it is): each method sends the call through `send`.
 */
export abstract class UniformSupplierAdapter implements SupplierAdapter {
  protected abstract send(call: SupplierCall): Promise<string>;

  requestExtract(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
  requestTestEnvironment(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
  provisionAdminUsers(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
  scheduleTraining(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
  requestTestCriteria(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
  sendSelectedPatientsAndReports(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
  reportIssues(call: SupplierCall): Promise<string> {
    return this.send(call);
  }
}

/** For a supplier that is not integrated: the request is only recorded; people hear of it through notifications. */
export class NoAdapter extends UniformSupplierAdapter {
  protected async send(): Promise<string> {
    return 'not integrated: the supplier is told through notifications only';
  }
}

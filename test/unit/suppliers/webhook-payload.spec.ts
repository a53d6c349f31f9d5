import type { SupplierRequestInput } from '@idp/activities';
import { compressedPolicy } from '@idp/domain';
import type { OrganisationEntity } from '@idp/persistence';
import { supplierWebhookPayload } from '@idp/suppliers';

function call(kind: SupplierRequestInput['request']['kind'], milestones: string[] = []) {
  return {
    workflowId: 'idp-mig-1',
    organisation: { code: 'TPP' } as OrganisationEntity,
    request: {
      key: `mig-1:${kind}:new-supplier:r1`,
      kind,
      supplierRole: 'new-supplier' as const,
      milestones,
      round: 1,
    },
    migration: {
      migrationId: 'mig-1',
      practiceName: 'Riverside Surgery',
      practiceOdsCode: 'A81001',
      icbCode: 'QHG',
      currentSupplier: 'EMIS',
      newSupplier: 'TPP',
      plannedGoLive: '2027-03-15',
      time: compressedPolicy(1000).time,
    },
  };
}

describe('the supplier webhook payload', () => {
  it('links the selected patients and reports instead of carrying them', () => {
    const payload = supplierWebhookPayload(call('send-selected-patients-and-reports'), 'https://idp.example/');
    expect(payload.event).toBe('supplier.send-selected-patients-and-reports');
    expect(payload.links).toEqual({
      migration: 'https://idp.example/v1/migrations/mig-1',
      events: 'https://idp.example/v1/migrations/mig-1/events',
      selectedPatients: 'https://idp.example/v1/migrations/mig-1/patients.csv',
      reports: 'https://idp.example/v1/migrations/mig-1/report-figures.csv',
    });
    expect(Object.keys(payload)).toEqual(['event', 'migration', 'request', 'links']);
  });

  it('names the milestones to report, with their titles and where to report them', () => {
    const payload = supplierWebhookPayload(call('provision-admin-users', ['adminUsersProvisioned']), 'http://h');
    expect(payload.request.milestones).toEqual([
      { key: 'adminUsersProvisioned', title: 'Admin logins (1 to 3) created for the practice' },
    ]);
    expect(payload.links.report).toBe('http://h/v1/migrations/mig-1/milestones/{milestone}');
  });

  it('tells of a failed round by its figures, never the practice’s free-text note', () => {
    const issues = call('report-issues');
    Object.assign(issues.request, {
      remedy: 're-transform',
      summary: { openIssues: 3, accuracyPercent: 97.5, note: 'Mrs A Patient, 943 476 5919: allergies missing' },
    });
    const payload = supplierWebhookPayload(issues, 'http://h');
    expect(payload.request).toMatchObject({
      remedy: 're-transform',
      summary: { openIssues: 3, accuracyPercent: 97.5 },
    });
    expect(JSON.stringify(payload)).not.toContain('943');
  });
});

import { compressedPolicy, DEFAULT_POLICY, londonTimeToEpochMs, type SupplierRequest } from '@idp/domain';
import { DEFAULT_SANDBOX_SETTINGS, InvalidAdapterSettings, parseSandboxSettings } from '@idp/suppliers';
import {
  actAfter,
  reportAt,
  sandboxPayload,
  SEEDED_DATA_ISSUES,
} from '../../../workflows/sandbox-supplier/sandbox-behaviour';

const DAY = 1000;
const compressed = compressedPolicy(DAY).time;

function request(overrides: Partial<SupplierRequest> = {}): SupplierRequest {
  return {
    key: 'mig-1:request-test-environment:new-supplier:r1',
    kind: 'request-test-environment',
    supplierRole: 'new-supplier',
    milestone: 'extractReceived',
    milestones: ['extractReceived', 'extractLoaded', 'testSystemAvailable'],
    round: 1,
    ...overrides,
  };
}

describe('sandbox settings', () => {
  it('fill in defaults', () => {
    expect(parseSandboxSettings({})).toEqual(DEFAULT_SANDBOX_SETTINGS);
    expect(parseSandboxSettings({ late: ['extractDelivered'], delays: { 'request-extract': 2 } })).toMatchObject({
      late: ['extractDelivered'],
      delays: { 'request-extract': 2 },
      delayWorkingDays: 0.5,
    });
  });

  it('name every setting that does not fit', () => {
    let problems: unknown;
    try {
      parseSandboxSettings({
        delayWorkingDays: -1,
        late: ['patientsSelected'],
        delays: { 'bake-cake': 1 },
        adminUsers: 4,
        failLoad: 'yes',
        colour: 'blue',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidAdapterSettings);
      problems = (error as InvalidAdapterSettings).problems.map((p) => p.field);
    }
    expect(problems).toEqual(['delayWorkingDays', 'late', 'delays.bake-cake', 'adminUsers', 'failLoad', 'colour']);
    expect(() => parseSandboxSettings([])).toThrow('settings: must be a JSON object');
  });
});

describe('the sandbox clock', () => {
  it('counts compressed working days in milliseconds', () => {
    expect(actAfter(compressed, 10_000, 0.5)).toBe(10_500);
  });

  it('acts on a calendar migration the morning of a later working day', () => {
    const friday = londonTimeToEpochMs('2027-01-08', 15);
    expect(actAfter(DEFAULT_POLICY.time, friday, 0)).toBe(friday);
    expect(actAfter(DEFAULT_POLICY.time, friday, 0.5)).toBe(londonTimeToEpochMs('2027-01-11', 9));
  });

  it('reports a late milestone only once it is overdue by lateByWorkingDays', () => {
    const settings = { ...DEFAULT_SANDBOX_SETTINGS, late: ['extractLoaded'] };
    expect(reportAt(request(), 'extractLoaded', settings, compressed, 0, 5 * DAY)).toBe(8 * DAY);
    expect(reportAt(request(), 'extractReceived', settings, compressed, 0, 5 * DAY)).toBe(DAY / 2);
  });

  it('makes a failed first load late by failLoadDelayWorkingDays, in round 1 only', () => {
    const settings = { ...DEFAULT_SANDBOX_SETTINGS, failLoad: true };
    expect(reportAt(request(), 'extractLoaded', settings, compressed, 0, undefined)).toBe(2.5 * DAY);
    expect(reportAt(request({ round: 2 }), 'extractLoaded', settings, compressed, 0, undefined)).toBe(DAY / 2);
  });
});

describe('what the sandbox reports', () => {
  it('carries what each step needs', () => {
    const settings = { ...DEFAULT_SANDBOX_SETTINGS, adminUsers: 3, trainedUsers: 4 };
    expect(sandboxPayload(request(), 'adminUsersProvisioned', settings, compressed, 0).adminUsers).toHaveLength(3);
    expect(sandboxPayload(request(), 'usersTrained', settings, compressed, 0)).toEqual({ trainedUsers: 4 });
    expect(sandboxPayload(request(), 'trainingScheduled', settings, compressed, 0).trainingSession).toEqual({
      startsAt: new Date(DAY).toISOString(),
      durationMinutes: 90,
      location: 'Online (sandbox supplier)',
    });
  });

  it('says so when the first load fails', () => {
    const settings = { ...DEFAULT_SANDBOX_SETTINGS, failLoad: true };
    expect(sandboxPayload(request(), 'extractReceived', settings, compressed, 0).note).toMatch(/first load .* failed/);
    expect(sandboxPayload(request(), 'extractLoaded', settings, compressed, 0).note).toMatch(/second attempt/);
  });

  it('announces seeded data issues with the round-1 criteria and their fix with the round-2 load', () => {
    const settings = { ...DEFAULT_SANDBOX_SETTINGS, dataIssues: true };
    const criteria = request({ kind: 'request-test-criteria', milestones: ['testCriteriaProvided'] });
    expect(sandboxPayload(criteria, 'testCriteriaProvided', settings, compressed, 0).note).toBe(SEEDED_DATA_ISSUES);
    expect(sandboxPayload(request({ round: 2 }), 'extractLoaded', settings, compressed, 0).note).toMatch(/fixed/);
    const plain = DEFAULT_SANDBOX_SETTINGS;
    expect(sandboxPayload(criteria, 'testCriteriaProvided', plain, compressed, 0).note).toBeUndefined();
  });
});

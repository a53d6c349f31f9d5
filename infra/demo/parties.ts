import type { OrganisationRole } from '@idp/persistence';

/*
 * The demo's cast: one ICB, its delivery partner, sandbox suppliers that each behave differently, and the
 * practices whose migrations `npm run demo` kicks off. `npm start` registers them (infra/demo/seed.ts).
 */
export interface DemoOrganisation {
  role: OrganisationRole;
  code: string;
  name: string;
  contactEmail?: string;
  /** A person who signs in to the pages for this organisation (by an emailed link, in the local inbox). */
  person?: { name: string; email: string };
  /** Suppliers: the sandbox supplier's behaviour (see README "Sandbox supplier"). */
  sandbox?: Record<string, unknown>;
}

export const DEMO_ICB: DemoOrganisation = {
  role: 'icb',
  code: 'QHG',
  name: 'NHS Demo Integrated Care Board',
  contactEmail: 'digital.team@demo-icb.example',
  person: { name: 'Ines Cobb', email: 'ines.cobb@demo-icb.example' },
};
export const DEMO_DELIVERY_PARTNER: DemoOrganisation = {
  role: 'delivery-partner',
  code: 'CSU-DEMO',
  name: 'Demo Commissioning Support Unit',
  contactEmail: 'migrations@demo-csu.example',
  person: { name: 'Sam Ortiz', email: 'sam.ortiz@demo-csu.example' },
};
export const DEMO_CURRENT_SUPPLIER: DemoOrganisation = {
  role: 'supplier',
  code: 'SANDBOX-OLD',
  name: 'Sandbox current supplier',
  sandbox: { delayWorkingDays: 0.5 },
};
/** New suppliers: one on time, one late with its deliveries, one whose data has issues in the first round. */
export const DEMO_NEW_SUPPLIERS = {
  prompt: {
    role: 'supplier',
    code: 'SANDBOX-NEW',
    name: 'Sandbox new supplier (on time)',
    person: { name: 'Ravi Patel', email: 'ravi.patel@sandbox-new.example' },
    sandbox: { delayWorkingDays: 0.5 },
  },
  late: {
    role: 'supplier',
    code: 'SANDBOX-LATE',
    name: 'Sandbox new supplier (late)',
    sandbox: { delayWorkingDays: 0.5, late: ['extractLoaded', 'adminUsersProvisioned'], lateByWorkingDays: 6 },
  },
  issues: {
    role: 'supplier',
    code: 'SANDBOX-ISSUES',
    name: 'Sandbox new supplier (data issues)',
    sandbox: { delayWorkingDays: 0.5, failLoad: true, dataIssues: true },
  },
} satisfies Record<string, DemoOrganisation>;

export const DEMO_PRACTICES: DemoOrganisation[] = [
  {
    role: 'practice',
    code: 'Y90001',
    name: 'Riverside Surgery',
    person: { name: 'Pat Khan', email: 'pat.khan@riverside-surgery.example' },
  },
  { role: 'practice', code: 'Y90002', name: 'Hillview Medical Centre' },
  { role: 'practice', code: 'Y90003', name: 'Canal Street Health Centre' },
];

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  DEMO_ICB,
  DEMO_DELIVERY_PARTNER,
  DEMO_CURRENT_SUPPLIER,
  ...Object.values(DEMO_NEW_SUPPLIERS),
  ...DEMO_PRACTICES,
];

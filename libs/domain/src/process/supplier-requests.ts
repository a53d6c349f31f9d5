import { graphFor } from './milestone-graph';
import { milestoneTimes } from './idp-process';
import type { IdpState, RoundSummary } from './state';
import type { Remedy, SupplierRequestKind, SupplierRole } from './types';

/**
 * What the process asks of a supplier, once per round: the workflow hands each to the supplier's adapter
 * (a signed webhook, the sandbox, or nothing). It names milestones, never patients.
 */
export interface SupplierRequest {
  /** `<migrationId>:<kind>:<supplierRole>:r<round>`: unique, and the same on every retry of the request. */
  key: string;
  kind: SupplierRequestKind;
  supplierRole: SupplierRole;
  /** The milestone that made the request due (absent for report-issues). */
  milestone?: string;
  /** Milestones the supplier is asked to report for this request, in the order they can be done. */
  milestones: string[];
  round: number;
  /** When the first of `milestones` is due. */
  dueAt?: number;
  /** report-issues: how the failed round is to be put right, and what the practice said of it. */
  remedy?: Remedy;
  summary?: RoundSummary;
}

const REMEDY_OWNER: Record<Remedy, SupplierRole> = { 're-extract': 'current-supplier', 're-transform': 'new-supplier' };

/**
 * Supplier requests that have become due, each once per round: a supplier's milestone that can now be done asks
 * its owner (the current supplier delivers the extract once the new supplier requested it; the new supplier
 * makes the test environment once the extract is delivered), patients selected this round go to the new supplier,
 * and a failed round's issues go to the supplier its remedy points at (re-extract: current; re-transform: new).
 * Nothing is asked while the migration is paused or closed.
 */
export function takeSupplierRequests(state: IdpState, now: number): SupplierRequest[] {
  if (state.status !== 'active') return [];
  const issued = (state.supplierRequests ??= []);
  const migrationId = state.kickoff.migrationId;
  const due: SupplierRequest[] = [];
  const add = (request: Omit<SupplierRequest, 'key'>) => {
    const key = `${migrationId}:${request.kind}:${request.supplierRole}:r${request.round}`;
    if (issued.includes(key) || due.some((r) => r.key === key)) return;
    due.push({ key, ...request });
  };

  for (const round of state.rounds) {
    if (round.outcome !== 'failed' || !round.remedy) continue;
    add({
      kind: 'report-issues',
      supplierRole: REMEDY_OWNER[round.remedy],
      milestones: [],
      round: round.round,
      remedy: round.remedy,
      summary: round.summary,
    });
  }

  const times = milestoneTimes(state, now);
  const roundStartedAt = state.rounds[state.rounds.length - 1].startedAt;
  const groups = new Map<string, { kind: SupplierRequestKind; role: SupplierRole; keys: string[] }>();
  for (const def of graphFor(state.graphVersion).milestones) {
    const rule = def.supplierRequest;
    if (!rule || !state.included.includes(def.key)) continue;
    const role = rule.to ?? (def.owner as SupplierRole);
    if ((rule.on ?? 'open') === 'done') {
      const completedAt = state.milestones[def.key]?.completedAt;
      if (completedAt !== undefined && completedAt >= roundStartedAt)
        add({ kind: rule.kind, supplierRole: role, milestone: def.key, milestones: [], round: state.round });
      continue;
    }
    const group = groups.get(`${rule.kind}|${role}`) ?? { kind: rule.kind, role, keys: [] };
    group.keys.push(def.key);
    groups.set(`${rule.kind}|${role}`, group);
  }
  for (const { kind, role, keys } of groups.values()) {
    const open = keys.map((k) => times.get(k)!).find((t) => t.state === 'open' || t.state === 'overdue');
    if (!open) continue;
    add({
      kind,
      supplierRole: role,
      milestone: open.def.key,
      milestones: keys.filter((k) => times.get(k)!.state !== 'done'),
      round: state.round,
      dueAt: open.dueAt,
    });
  }

  issued.push(...due.map((r) => r.key));
  return due;
}

/** Notes on the migration that a supplier could not be reached after every retry (shown in its status). */
export function recordSupplierRequestFailure(state: IdpState, request: SupplierRequest): void {
  const warning = `supplier-request-failed:${request.kind}`;
  if (!state.warnings.includes(warning)) state.warnings = [...state.warnings, warning];
  state.revision += 1;
}

import type { Role } from '../process/types';
import type { IssueStatus } from './vocabulary';

/** Who may move an issue from one status to another: suppliers fix, the practice (or its delivery partner) checks. */
const TRANSITIONS: Record<IssueStatus, Partial<Record<IssueStatus, readonly Role[]>>> = {
  open: { 'fixed-by-supplier': ['new-supplier', 'current-supplier'], closed: ['practice', 'delivery-partner'] },
  'fixed-by-supplier': { 're-checked': ['practice', 'delivery-partner'], open: ['practice', 'delivery-partner'] },
  're-checked': { closed: ['practice', 'delivery-partner'], open: ['practice', 'delivery-partner'] },
  closed: { open: ['practice', 'delivery-partner'] },
};

/** Why `role` may not move an issue from `from` to `to`, or undefined when it may. */
export function issueTransitionRefusal(from: IssueStatus, to: IssueStatus, role: Role): string | undefined {
  if (from === to) return undefined;
  const allowed = TRANSITIONS[from][to];
  if (!allowed) {
    const next = Object.keys(TRANSITIONS[from]).join(' or ');
    return `An issue that is ${from} can move to ${next}, not to ${to}.`;
  }
  if (!allowed.includes(role)) return `Moving an issue from ${from} to ${to} is for the ${allowed.join(' or ')}.`;
  return undefined;
}

/** True for an issue still needing work (anything not closed). */
export const isUnresolved = (status: IssueStatus): boolean => status !== 'closed';

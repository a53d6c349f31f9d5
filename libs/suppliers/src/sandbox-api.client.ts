import { ApplicationFailure } from '@temporalio/common';
import type { MilestonePayload } from '@idp/domain';

/** A milestone as the sandbox sees it in the migration's status. */
export interface SandboxMilestoneView {
  state: 'waiting' | 'open' | 'overdue' | 'done' | 'waived';
  dueAt?: string;
}

export type SandboxReportOutcome = 'reported' | 'already-done' | 'closed';

/** Refusals that mean the work is no longer wanted: not an error for a supplier. */
const NOTHING_TO_DO: Record<string, SandboxReportOutcome> = {
  MilestoneAlreadyCompleted: 'already-done',
  MigrationClosed: 'closed',
};

/** Raised inside the client when the API says the work is already done or the migration closed. */
class NothingToDo extends Error {
  constructor(readonly outcome: SandboxReportOutcome) {
    super(outcome);
    this.name = 'NothingToDo';
  }
}

/**
 * The sandbox supplier's side of the public API: it reads and reports exactly as a real supplier would, with its
 * own API key. Failures are typed for the activity's retries: "not yet" (prerequisites, 5xx, network) retries,
 * a refusal that cannot change fails for good.
 */
export class SandboxApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async milestone(migrationId: string, key: string): Promise<SandboxMilestoneView> {
    const res = await this.request('GET', `/v1/migrations/${migrationId}`);
    const body = (await res.json()) as {
      process?: { milestones: Array<{ key: string; state: string; dueAt?: string }> };
    };
    // Without `process` the API answered from its read model before the first projection: ask again shortly.
    if (!body.process)
      throw ApplicationFailure.retryable(`migration ${migrationId} has no status yet`, 'SandboxNotYet');
    const found = body.process.milestones.find((m) => m.key === key);
    if (!found)
      throw ApplicationFailure.nonRetryable(`migration ${migrationId} has no milestone ${key}`, 'SandboxRefused');
    return { state: found.state as SandboxMilestoneView['state'], dueAt: found.dueAt };
  }

  async report(
    migrationId: string,
    milestone: string,
    payload: MilestonePayload,
    idempotencyKey: string,
  ): Promise<SandboxReportOutcome> {
    try {
      const res = await this.request('POST', `/v1/migrations/${migrationId}/milestones/${milestone}`, payload, {
        'idempotency-key': idempotencyKey,
      });
      await res.body?.cancel();
      return 'reported';
    } catch (error) {
      if (error instanceof NothingToDo) return error.outcome;
      throw error;
    }
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.ok) return res;
    const problem = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    const why = `${method} ${path} answered ${res.status}${problem.code ? ` ${problem.code}` : ''}: ${problem.detail ?? ''}`;
    if (problem.code && NOTHING_TO_DO[problem.code]) throw new NothingToDo(NOTHING_TO_DO[problem.code]);
    if (res.status >= 500 || res.status === 429 || problem.code === 'PrerequisitesNotMet')
      throw ApplicationFailure.retryable(why, 'SandboxNotYet');
    throw ApplicationFailure.nonRetryable(why, 'SandboxRefused');
  }
}

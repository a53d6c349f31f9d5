import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

/** Id of the Temporal schedule that starts the `weeklyDigest` workflow. */
export const WEEKLY_DIGEST_SCHEDULE_ID = 'weekly-digest';

export interface DigestScheduleOptions {
  taskQueue: string;
  scheduleId?: string;
}

/**
 * Creates the weekly digest schedule (Mondays 07:00 Europe/London, the start of the working week) unless it
 * exists; every worker calls this at start, so the first one creates it and the rest find it. An existing schedule
 * is left as it is: an operator may have paused or changed it in the Temporal UI. Returns whether it was created.
 */
export async function ensureWeeklyDigestSchedule(client: Client, options: DigestScheduleOptions): Promise<boolean> {
  const scheduleId = options.scheduleId ?? WEEKLY_DIGEST_SCHEDULE_ID;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ dayOfWeek: 'MONDAY', hour: 7, minute: 0 }], timezone: 'Europe/London' },
      action: {
        type: 'startWorkflow',
        workflowType: 'weeklyDigest',
        taskQueue: options.taskQueue,
        workflowId: scheduleId,
      },
      // A digest still running a week later (mail down all week) is not doubled up by the next one.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return true;
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning || (error as Error)?.name === 'ScheduleAlreadyRunning') return false;
    throw error;
  }
}

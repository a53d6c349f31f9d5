/**
 * Time limits of the `notify` activity, shared by the workflow (which sets the activity's timeouts), the
 * configuration (which caps the channels' own timeouts) and the sender (which enforces them). The activity
 * delivers to its recipients one after another, so one attempt may rightly take as long as every delivery's
 * limit together: its start-to-close timeout is derived from that worst case, and the heartbeat timeout, not
 * start-to-close, is what notices a dead worker.
 */

/** Longest GOV.UK Notify call NOTIFY_TIMEOUT_MS may allow. */
export const NOTIFY_TIMEOUT_MAX_MS = 60_000;

/**
 * Longest one delivery to one recipient may take on any channel, whatever the configuration: the sender gives up
 * on a call still pending then, as a retryable failure. Every channel's own timeouts end sooner (Notify's at most
 * NOTIFY_TIMEOUT_MAX_MS, a webhook's two short tries, SMTP's connection, greeting and socket timeouts).
 */
export const DELIVERY_LIMIT_MS = NOTIFY_TIMEOUT_MAX_MS + 5_000;

/** The notify activity reports progress at least this often while it works, so a live attempt is never cut. */
export const NOTIFY_HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * Start-to-close timeout of one notify attempt for `recipients`: each may take its whole delivery limit, plus the
 * database work before and after it, which may last up to a heartbeat timeout each (longer, and the heartbeat
 * timeout ends the attempt first), plus one more for the attempt's own start and end.
 */
export function notifyAttemptTimeoutMs(recipients: number): number {
  const perRecipient = DELIVERY_LIMIT_MS + 2 * NOTIFY_HEARTBEAT_TIMEOUT_MS;
  return Math.max(recipients, 1) * perRecipient + NOTIFY_HEARTBEAT_TIMEOUT_MS;
}

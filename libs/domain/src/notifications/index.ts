export {
  DELIVERY_LIMIT_MS,
  NOTIFY_HEARTBEAT_TIMEOUT_MS,
  NOTIFY_TIMEOUT_MAX_MS,
  notifyAttemptTimeoutMs,
} from './delivery-limits';

/**
 * kafkajs 2.2.4, its last release, keeps every broker connection polling itself while it has
 * nothing to do: RequestQueue.scheduleCheckPendingRequests() arms a timer of
 * `throttledUntil - Date.now()`, which is negative when the broker never throttled, so the check
 * runs again after 1 ms, re-arms itself, and so on for the life of the connection
 * (tulios/kafkajs#1556 and #1704; on Node 24 the same line prints the TimeoutNegativeWarning of
 * #1751). Measured on the idle stack: orders (six connections) spent 23 ms of CPU a second on it,
 * fulfillment 13, payments (no Kafka) 4.
 *
 * This replaces the method with kafkajs' own logic minus the loop, as proposed upstream: a check
 * is armed only while requests wait (after 10 ms, as before) or until a throttle ends. Nothing
 * else needs the timer: a new request is sent at once when it can be (push), and every response
 * checks the queue (fulfillRequest).
 */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL (not exported). */
const CHECK_PENDING_REQUESTS_MS = 10;

// An internal module (kafkajs has no exports map); the test notices if it moves or changes.
export const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: RequestQueueInternals;
  upstreamScheduleCheck?: () => void;
};

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && untilUnthrottled <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_MS,
  );
}

/** Applies the fix once per process (kit's Kafka clients call it). */
export function quietIdleKafkaQueues(): void {
  if (RequestQueue.upstreamScheduleCheck) return;
  RequestQueue.upstreamScheduleCheck = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}

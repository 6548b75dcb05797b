import type { Delivery, Logger } from '@hoptrace/kit';
import { flushTelemetry } from '@hoptrace/telemetry';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultAdmission } from './admission';
import { activeFault, recordFault } from './entries';

/** The exit code of a process an injected crash stopped. */
export const CRASH_EXIT_CODE = 70;

/**
 * Where injected crashes are remembered: one row per message crashed once, so its redelivery
 * finishes the job. The table belongs to this package; the services that take crash faults
 * apply this migration with their own.
 */
export const FAULT_MARKS_MIGRATION = `CREATE TABLE IF NOT EXISTS injected_faults (
  key text PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now())`;

/** Remembers which messages already had their injected crash, so a redelivery is not crashed again. */
export interface FaultMarks {
  markOnce(key: string): Promise<boolean>;
}

export function faultMarksIn(db: { query(sql: string, params: unknown[]): Promise<{ rowCount: number | null }> }): FaultMarks {
  return {
    async markOnce(key) {
      const res = await db.query('INSERT INTO injected_faults (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
      return res.rowCount === 1;
    },
  };
}

export interface CrashFaultOptions {
  service: string;
  admission: FaultAdmission;
  marks: FaultMarks;
  logger: Logger;
  /** Ends the process: the service's main passes process.exit, tests a fake. */
  exit: (code: number) => void;
}

/** A point in a handler's work where an injected crash may stop the process. */
export type Checkpoint = (step: string) => Promise<void>;

/**
 * The `crash` fault: the process exits mid-message, at a checkpoint the handler names (after
 * something was made durable, before the rest), once per message and without committing its
 * offset, so the redelivery must finish the job exactly once. Returns the checkpoint for one
 * delivery; it does nothing unless the message carries a crash fault for this service.
 */
export function crashFaults(options: CrashFaultOptions): (delivery: Delivery) => Checkpoint {
  return (delivery) => async (step) => {
    const fault = activeFault(options.admission, options.service, delivery.topic);
    if (fault?.kind !== 'crash') return;
    if (!(await options.marks.markOnce(`${delivery.groupId}/${delivery.topic}/${delivery.partition}/${delivery.offset}`))) return;
    recordFault(fault);
    const span = trace.getActiveSpan();
    span?.addEvent('process.crash', { 'hoptrace.crash.step': step });
    // End the process span now: an unended span is never exported, and with it the evidence.
    span?.setStatus({ code: SpanStatusCode.ERROR, message: `injected crash after ${step}` });
    span?.end();
    options.logger.error({ topic: delivery.topic, offset: delivery.offset, step }, 'injected crash: exiting mid-message');
    await Promise.race([flushTelemetry(), sleep(2000)]);
    options.exit(CRASH_EXIT_CODE);
  };
}

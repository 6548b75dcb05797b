import type { MessageInterceptor, MessageSender } from '@hoptrace/kit';
import { trace } from '@opentelemetry/api';
import { setTimeout as sleep } from 'node:timers/promises';
import { withAdmittedFaults, type FaultAdmission } from './admission';
import { activeFault, recordFault } from './entries';

/**
 * The consuming side of faults, as interceptors for the kit's EventConsumer. Every message is
 * handled in its context minus the fault entries that fail admission: a message produced straight
 * to the topic by anyone cannot fault the consumer, nor what it sends on. With `service`, the
 * faults aimed at it act (the topic stands for the path of a route):
 *   latency, hang  hold the message before its first attempt (a consumer cannot hang forever
 *                  without losing its partitions: `hang` holds it 30 s)
 *   error          every attempt throws, so the message is retried, then dead-lettered
 * `crash` acts at the handler's checkpoints (crash.ts), `poison` where messages are produced.
 */
export function consumerFaults(admission: FaultAdmission, service?: string): MessageInterceptor {
  return {
    aroundMessage: (_delivery, next) => withAdmittedFaults(admission, next),
    aroundAttempt: async (delivery, attempt, next) => {
      const fault = service ? activeFault(admission, service, delivery.topic) : undefined;
      if (attempt === 1 && (fault?.kind === 'latency' || fault?.kind === 'hang')) {
        recordFault(fault);
        await sleep(fault.param ?? (fault.kind === 'hang' ? 30_000 : 1000));
      }
      if (fault?.kind === 'error') {
        recordFault(fault);
        throw new Error(`injected error in ${fault.service}`);
      }
      await next();
    },
  };
}

/**
 * The producing side of the `poison` fault: while the work in hand carries it for this service,
 * every message it produces is malformed (its consumers must dead-letter it).
 */
export function withPoisonFaults(service: string, sender: MessageSender, admission: FaultAdmission): MessageSender {
  return {
    send(record) {
      const fault = activeFault(admission, service, record.topic);
      if (fault?.kind !== 'poison') return sender.send(record);
      // Its own span: where messages are sent from stored context (the outbox relay) the active
      // span is a remote parent, which cannot carry the fault.injected event.
      return trace.getTracer('hoptrace.faults').startActiveSpan('inject poison', async (span) => {
        try {
          recordFault(fault);
          return await sender.send({
            ...record,
            messages: record.messages.map((m) => ({ ...m, value: '{"poisoned": tr' })),
          });
        } finally {
          span.end();
        }
      });
    },
  };
}

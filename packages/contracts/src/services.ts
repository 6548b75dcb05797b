import { dlqOf, DEAD_LETTER_TOPICS, Topics, type Topic } from './events';

/**
 * Every service of hoptrace, once: its name (the OTel service name, the target fault entries
 * address, the runner's component), its ports and the Kafka topics it produces and consumes.
 * docker-compose.yml gives each the same ports (a unit test holds the two together).
 */
export interface ServiceDescriptor<N extends string = string> {
  name: N;
  /** HTTP port (PORT's default). */
  port: number;
  /** Prometheus /metrics port (OTEL_EXPORTER_PROMETHEUS_PORT). */
  metricsPort: number;
  /** gRPC port (GRPC_PORT's default), for a service that serves gRPC. */
  grpcPort?: number;
  /** Topics it publishes events to (dead letters aside: see topicsOf). */
  produces: readonly Topic[];
  /** Topics it consumes. */
  consumes: readonly string[];
}

const service = <N extends string>(d: ServiceDescriptor<N>) => d;

export const Services = {
  gateway: service({ name: 'gateway', port: 8080, metricsPort: 9464, produces: [], consumes: [] }),
  orders: service({
    name: 'orders',
    port: 8081,
    metricsPort: 9465,
    produces: [Topics.orderPlaced],
    // Progress of its orders, and every dead letter: each names an order that failed.
    consumes: [Topics.orderShipped, Topics.orderNotified, ...DEAD_LETTER_TOPICS],
  }),
  inventory: service({ name: 'inventory', port: 8082, metricsPort: 9466, produces: [], consumes: [] }),
  // Its API is gRPC (hoptrace.payments.v1.Payments); its HTTP port serves only the probes.
  payments: service({ name: 'payments', port: 8083, metricsPort: 9467, grpcPort: 50051, produces: [], consumes: [] }),
  fulfillment: service({
    name: 'fulfillment',
    port: 8084,
    metricsPort: 9468,
    produces: [Topics.orderShipped],
    consumes: [Topics.orderPlaced],
  }),
  notifications: service({
    name: 'notifications',
    port: 8085,
    metricsPort: 9469,
    produces: [Topics.orderNotified],
    consumes: [Topics.orderShipped],
  }),
} as const;

export type ServiceName = keyof typeof Services;
/** In the order an order meets them. */
export const SERVICE_NAMES = Object.keys(Services) as [ServiceName, ...ServiceName[]];
export const SERVICE_LIST: readonly ServiceDescriptor<ServiceName>[] = SERVICE_NAMES.map((n) => Services[n]);

const isDeadLetterTopic = (topic: string) => (DEAD_LETTER_TOPICS as readonly string[]).includes(topic);

/**
 * The topics a service creates at start-up: what it produces, what it consumes, and the dead-letter
 * topic of each event topic it consumes (its consumers publish there). Dead letters are not
 * dead-lettered again.
 */
export function topicsOf(d: ServiceDescriptor): string[] {
  const events = d.consumes.filter((t) => !isDeadLetterTopic(t));
  return [...new Set([...d.produces, ...d.consumes, ...events.map(dlqOf)])];
}

/** A Kafka hop of a completed order: who sends the topic and who processes it. */
export interface KafkaHop {
  topic: Topic;
  producer: ServiceName;
  consumers: ServiceName[];
}

export const KAFKA_HOPS: readonly KafkaHop[] = Object.values(Topics).map((topic) => ({
  topic,
  producer: SERVICE_LIST.find((s) => s.produces.includes(topic))!.name,
  consumers: SERVICE_LIST.filter((s) => s.consumes.includes(topic)).map((s) => s.name),
}));

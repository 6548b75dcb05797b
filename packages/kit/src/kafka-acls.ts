import { dlqOf, topicsOf, DEAD_LETTER_TOPICS, type ServiceDescriptor } from '@hoptrace/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type AclEntry, type Kafka } from 'kafkajs';

/** What one Kafka user may do: read, write, create, on which topics, and which consumer group it reads as. */
export interface KafkaGrants {
  user: string;
  read: string[];
  write: string[];
  create: string[];
  /** Prefixes: a service's groups are named after it (orders, orders-dead-letters). */
  groupPrefixes: string[];
}

/**
 * Secure mode's least privilege, derived from the service descriptors (never a hand-typed list):
 * a service reads what it consumes, as the consumer group named after it; it writes what it
 * produces and the dead-letter topic of every event topic it consumes (its consumers publish
 * there); it may create only the topics it creates at start-up (topicsOf); its consumer groups
 * are those named after it (a prefix ACL: orders' two groups are orders and orders-dead-letters).
 * Read and Write imply Describe, which the consumer-lag gauge needs (its own groups and topics).
 */
export function kafkaGrants(d: ServiceDescriptor): KafkaGrants {
  const deadLetters = new Set<string>(DEAD_LETTER_TOPICS);
  const events = d.consumes.filter((t) => !deadLetters.has(t));
  return {
    user: d.name,
    read: [...d.consumes],
    write: [...new Set([...d.produces, ...events.map(dlqOf)])],
    create: topicsOf(d),
    groupPrefixes: d.consumes.length ? [d.name] : [],
  };
}

/** The ACL entries of a grant (topics by literal name, groups by prefix; any host), as StandardAuthorizer stores them. */
export function aclEntries(g: KafkaGrants): AclEntry[] {
  const entry = (
    resourceType: AclResourceTypes,
    resourceName: string,
    operation: AclOperationTypes,
    pattern = ResourcePatternTypes.LITERAL,
  ): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType: pattern,
    principal: `User:${g.user}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  return [
    ...g.read.map((t) => entry(AclResourceTypes.TOPIC, t, AclOperationTypes.READ)),
    ...g.write.map((t) => entry(AclResourceTypes.TOPIC, t, AclOperationTypes.WRITE)),
    ...g.create.map((t) => entry(AclResourceTypes.TOPIC, t, AclOperationTypes.CREATE)),
    ...g.groupPrefixes.map((prefix) => entry(AclResourceTypes.GROUP, prefix, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED)),
  ];
}

/** Creates the ACLs of every service that talks Kafka (creating an existing ACL changes nothing). */
export async function applyKafkaAcls(kafka: Kafka, services: readonly ServiceDescriptor[]): Promise<AclEntry[]> {
  const acl = services.filter((d) => d.produces.length || d.consumes.length).flatMap((d) => aclEntries(kafkaGrants(d)));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  return acl;
}

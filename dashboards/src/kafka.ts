import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { finish, hoptraceDashboard } from './hoptrace-dashboard';
import { timeseries } from './panels';
import { scope } from './variables';

/*
 * The Kafka cluster: the brokers' own view from the JMX exporter (job "kafka", one target per
 * broker, names from infra/kafka/jmx-exporter.yml), and the consumers' view from the services.
 * With one broker the replication panels stay at 0; with the cluster profile they show a broker
 * going away and coming back.
 */
const brokers = 'job="kafka"';
const perMinute = (selector: string, by: string) => `60 * sum by (${by}) (rate(${selector}[$__rate_interval]))`;
const group = 'messaging_consumer_group_name';
const topic = 'messaging_destination_name';
const partition = 'messaging_destination_partition_id';
const instance = 'service_name, service_instance_id';

export function kafkaCluster(): Dashboard {
  return finish(
    hoptraceDashboard({
      uid: 'hoptrace-kafka',
      title: 'hoptrace / Kafka',
      description:
        'Replication, ISR changes, leader elections and the KRaft quorum of every broker; consumer lag, assignments and rebalances of every consumer group.',
      serviceSource: 'hoptrace_kafka_consumer_lag',
    })
      .withRow(new RowBuilder('Replication'))
      .withPanel(
        timeseries({
          title: 'Under-replicated partitions',
          description:
            'Partitions led by each broker that have fewer in-sync replicas than replicas (ReplicaManager ' +
            'UnderReplicatedPartitions), and those under min.insync.replicas, where acks=all writes fail. A broker down makes ' +
            'the others report its partitions here; both return to 0 once it has caught up.',
          unit: units.Short,
          min: 0,
          queries: [
            {
              expr: `max by (instance) (kafka_server_replicamanager_underreplicatedpartitions{${brokers}})`,
              legend: '{{instance}} under-replicated',
            },
            {
              expr: `max by (instance) (kafka_server_replicamanager_underminisrpartitioncount{${brokers}})`,
              legend: '{{instance}} under min ISR',
            },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'ISR shrinks and expands per minute',
          description:
            "A follower dropped out of a partition's in-sync replicas (shrink) or caught up and rejoined (expand), " +
            "counted by the partition's leader. A broker that dies shows as shrinks on the others, its return as expands.",
          unit: units.CountsPerMinute,
          min: 0,
          queries: [
            { expr: perMinute(`kafka_server_replicamanager_isrshrinks_total{${brokers}}`, 'instance'), legend: '{{instance}} shrinks' },
            { expr: perMinute(`kafka_server_replicamanager_isrexpands_total{${brokers}}`, 'instance'), legend: '{{instance}} expands' },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Partition leaders per broker',
          description:
            'Partitions each broker leads. When a broker goes away its leaderships move to the others (a leader ' +
            'election per partition, from the ISR); when it is back they move again as the controller rebalances leaders.',
          unit: units.Short,
          min: 0,
          queries: [{ expr: `max by (instance) (kafka_server_replicamanager_leadercount{${brokers}})`, legend: '{{instance}}' }],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Leader elections per minute',
          description:
            'Controller elections in the KRaft quorum (a new active controller, as the controllers count them: ' +
            'the max over them, each counts the same election), and unclean partition leader elections (a leader from ' +
            'outside the ISR, which can lose data; unclean election is off, so this stays 0).',
          unit: units.CountsPerMinute,
          min: 0,
          queries: [
            {
              expr: `60 * max(rate(kafka_controller_new_active_controllers_total{${brokers}}[$__rate_interval]))`,
              legend: 'controller elections',
            },
            { expr: perMinute(`kafka_controller_uncleanleaderelections_total{${brokers}}`, 'job'), legend: 'unclean partition elections' },
          ],
        }),
      )
      .withRow(new RowBuilder('KRaft quorum and brokers'))
      .withPanel(
        timeseries({
          title: 'Controller quorum leader',
          description:
            "The node id each broker sees as the KRaft quorum leader (the active controller), and the quorum's " +
            'epoch, one more for every election. A killed leader shows as a new id and a higher epoch within seconds.',
          unit: units.Short,
          queries: [
            { expr: `max by (instance) (kafka_raft_current_leader{${brokers}})`, legend: '{{instance}} sees leader' },
            { expr: `max(kafka_raft_current_epoch{${brokers}})`, legend: 'epoch' },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Brokers registered with the controller',
          description:
            'Brokers the active controller counts as active and as fenced (registered but not serving), and ' +
            'partitions without a leader. One broker down: active one less, partitions still led.',
          unit: units.Short,
          min: 0,
          queries: [
            {
              expr: `max(kafka_controller_activebrokercount{${brokers}} and on (instance) kafka_controller_activecontrollercount{${brokers}} == 1)`,
              legend: 'active brokers',
            },
            {
              expr: `max(kafka_controller_fencedbrokercount{${brokers}} and on (instance) kafka_controller_activecontrollercount{${brokers}} == 1)`,
              legend: 'fenced brokers',
            },
            {
              expr: `max(kafka_controller_offlinepartitionscount{${brokers}} and on (instance) kafka_controller_activecontrollercount{${brokers}} == 1)`,
              legend: 'offline partitions',
            },
          ],
        }),
      )
      .withRow(new RowBuilder('Consumers'))
      .withPanel(
        timeseries({
          title: 'Consumer lag by group and partition',
          description:
            'Messages produced but not yet committed, per consumer group, topic and partition. Every instance of ' +
            "a group reports all of the group's partitions, so this is the max over instances. It should drain to 0.",
          unit: units.Short,
          min: 0,
          width: 24,
          queries: [
            {
              expr: `max by (${group}, ${topic}, ${partition}) (hoptrace_kafka_consumer_lag{${scope}})`,
              legend: `{{${group}}} ← {{${topic}}}/{{${partition}}}`,
            },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Partitions assigned per instance',
          description:
            'Partitions of each topic that each consumer instance (service.instance.id) holds. Competing ' +
            "instances of one group share a topic's partitions; when one dies the survivors take its share.",
          unit: units.Short,
          min: 0,
          stacked: true,
          queries: [
            {
              expr: `sum by (${instance}, ${group}, ${topic}) (hoptrace_kafka_consumer_assigned_partitions{${scope}})`,
              legend: `{{service_instance_id}} {{${group}}} ← {{${topic}}}`,
            },
          ],
        }),
      )
      .withPanel(
        timeseries({
          title: 'Rebalances per minute',
          description:
            'Times each consumer instance joined its group and got an assignment: at start, and whenever a member ' +
            'of the group comes or goes. Each also makes a span "rebalance <group>" with the partitions assigned and revoked.',
          unit: units.CountsPerMinute,
          min: 0,
          queries: [
            {
              expr: perMinute(`hoptrace_kafka_consumer_rebalances_total{${scope}}`, `${instance}, ${group}`),
              legend: `{{service_instance_id}} {{${group}}}`,
            },
          ],
        }),
      ),
  );
}

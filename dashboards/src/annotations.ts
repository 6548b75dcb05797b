import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { prometheus } from './datasources';

/**
 * Active fault injections as annotation regions. Filtered by environment only, not by service: a
 * fault in payments explains the errors and latency the gateway shows. `max by` folds the
 * instances that report the same fault into one region.
 */
export function activeFaultsAnnotation(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Active faults')
    .datasource(prometheus)
    .enable(true)
    .iconColor('red')
    .target(
      new DataqueryBuilder()
        .refId('Anno')
        .datasource(prometheus)
        .expr('max by (service, kind, scope) (hoptrace_faults_active{deployment_environment_name="$environment"}) > 0')
        // Grafana's default annotation step is 60 s, longer than a fault a test injects.
        .interval('15s'),
    )
    .titleFormat('fault: {{kind}} in {{service}}')
    .textFormat('{{kind}} injected into {{service}} {{scope}}')
    .tagKeys('service,kind');
}

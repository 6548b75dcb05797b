import { QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { prometheus } from './datasources';

/**
 * Every dashboard has the same two variables. `environment` comes from target_info, which every
 * service exports once per instance whatever its traffic, so the picker is filled even before the
 * first request. `service` lists the services of the metric the dashboard is about.
 */
export function environmentVariable(): QueryVariableBuilder {
  const query = 'label_values(target_info, deployment_environment_name)';
  return new QueryVariableBuilder('environment')
    .label('Environment')
    .description('deployment.environment.name of the services (OTEL_RESOURCE_ATTRIBUTES)')
    .datasource(prometheus)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

/** `source` is a series selector whose `service_name` values are offered, e.g. `target_info`. */
export function serviceVariable(source: string): QueryVariableBuilder {
  const query = `label_values(${source}{deployment_environment_name="$environment"}, service_name)`;
  return (
    new QueryVariableBuilder('service')
      .label('Service')
      .description('service.name of the services to show')
      .datasource(prometheus)
      .query(query)
      .definition(query)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      // `.*` instead of Grafana's default alternation of every value: it also matches services
      // that appeared after the variable was last refreshed.
      .allValue('.*')
      .current({ selected: true, text: ['All'], value: ['$__all'] })
  );
}

/** The label matchers every query starts with, so both variables filter every panel. */
export const scope = 'deployment_environment_name="$environment", service_name=~"$service"';

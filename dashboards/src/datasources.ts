import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * Fixed uids, the same as infra/grafana/provisioning/datasources/datasources.yaml: dashboards
 * reference datasources by uid so they load without a datasource-picker variable.
 */
export const prometheus: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };
export const jaeger: DataSourceRef = { type: 'jaeger', uid: 'jaeger' };

import { DashboardBuilder, DashboardCursorSync, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { environmentVariable, serviceVariable } from './variables';

export interface DashboardOptions {
  uid: string;
  title: string;
  description: string;
  /** The series whose `service_name` values the service picker offers. */
  serviceSource: string;
}

/**
 * The v1 (classic JSON) dashboard model, although the SDK marks it deprecated in favour of
 * dashboardv2: Grafana 12.2 provisions classic JSON from files out of the box, v2 only with
 * feature toggles.
 */
export function hoptraceDashboard(options: DashboardOptions): DashboardBuilder {
  return new DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags(['hoptrace'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-30m', to: 'now' })
    .refresh('30s')
    .withVariable(environmentVariable())
    .withVariable(serviceVariable(options.serviceSource));
}

/** Builds and numbers the panels in order: stable ids keep panel links and the generated diff stable. */
export function finish(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  (dashboard.panels ?? []).forEach((panel, i) => {
    panel.id = i + 1;
  });
  // The SDK defaults every annotation to placement "inControlsMenu", which tucks its on/off toggle
  // into a drop-down; the fault toggle belongs in sight, above the panels (Grafana's default).
  for (const annotation of dashboard.annotations?.list ?? []) delete annotation.placement;
  return dashboard;
}

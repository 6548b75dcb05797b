import {
  LegendDisplayMode,
  LegendPlacement,
  SortOrder,
  StackingMode,
  TooltipDisplayMode,
  StackingConfigBuilder,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder, QueryEditorMode } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { prometheus } from './datasources';

export interface Query {
  expr: string;
  legend: string;
  /** Show the trace ids Prometheus stored with the samples (only spanmetrics histograms have them). */
  exemplar?: boolean;
}

export interface TimeseriesOptions {
  title: string;
  /** What the panel shows and how to read it: Grafana shows it as the panel's (i) tooltip. */
  description: string;
  /** A Grafana unit id (https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/#unit). */
  unit: string;
  queries: Query[];
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  stacked?: boolean;
}

export function promQuery(refId: string, query: Query): DataqueryBuilder {
  const target = new DataqueryBuilder()
    .refId(refId)
    .datasource(prometheus)
    .editorMode(QueryEditorMode.Code)
    .expr(query.expr)
    .legendFormat(query.legend)
    .range();
  return query.exemplar ? target.exemplar(true) : target;
}

/** A time series panel with the house style: table legend with mean/max, tooltip listing every series. */
export function timeseries(options: TimeseriesOptions): PanelBuilder {
  const panel = new PanelBuilder()
    .title(options.title)
    .description(options.description)
    .datasource(prometheus)
    .unit(options.unit)
    .span(options.width ?? 12)
    .height(options.height ?? 8)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max']),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  if (options.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  options.queries.forEach((query, i) => panel.withTarget(promQuery(String.fromCharCode(65 + i), query)));
  return panel;
}

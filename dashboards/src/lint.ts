/**
 * Structural rules every generated dashboard follows, checked over the JSON Grafana loads (not
 * the builders), so the unit test catches whatever reaches Grafana. Each rule returns problems
 * as sentences naming the dashboard and panel.
 */

export interface DatasourceJson {
  type?: string;
  uid?: string;
}
export interface TargetJson {
  refId?: string;
  expr?: string;
  datasource?: DatasourceJson;
}
export interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  datasource?: DatasourceJson;
  targets?: TargetJson[];
  fieldConfig?: { defaults?: { unit?: string } };
  panels?: PanelJson[];
}
export interface VariableJson {
  name: string;
  query?: unknown;
  datasource?: DatasourceJson;
}
export interface AnnotationJson {
  name?: string;
  datasource?: DatasourceJson;
  target?: TargetJson;
  builtIn?: number;
}
export interface DashboardJson {
  uid?: string;
  title?: string;
  panels?: PanelJson[];
  templating?: { list?: VariableJson[] };
  annotations?: { list?: AnnotationJson[] };
}

/** Variables Grafana defines itself (https://grafana.com/docs/grafana/latest/dashboards/variables/add-template-variables/#global-variables). */
const GLOBAL_VARIABLES = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
  '__dashboard',
  '__org',
  '__user',
  '__name',
  '__timezone',
]);
const COUNTER = /_(total|bucket|count|sum)$/;
/** Parentheses after these hold label names, not expressions. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const COUNTER_FUNCTIONS = new Set(['rate', 'increase']);

/** Panels in dashboard order, including those inside collapsed rows; rows themselves are layout, not panels. */
export function panelsOf(dashboard: DashboardJson): PanelJson[] {
  return (dashboard.panels ?? []).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
}

/** `$name`, `${name}`, `${name:format}` and `[[name]]` references in a query, by name. */
export function variablesUsed(text: string): string[] {
  const names = [...text.matchAll(/\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  return [...new Set(names)];
}

/** The expression with string literals, label matchers and range selectors blanked out. */
function skeleton(expr: string): string {
  return expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '[]');
}

/** Range selectors and subquery windows other than `[$__rate_interval]`. */
export function badRateWindows(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  return [...withoutStrings.matchAll(/\[([^\]]*)\]/g)].map((m) => m[0]).filter((w) => w !== '[$__rate_interval]');
}

/**
 * Counter-type series (`*_total`, `*_bucket`, `*_count`, `*_sum`) whose innermost enclosing call
 * is not rate() or increase(): a raw counter resets on every restart and is meaningless on a graph.
 * histogram_quantile(…, sum by (le) (rate(x_bucket[…]))) passes, since rate() is innermost.
 */
export function countersOutsideRate(expr: string): string[] {
  const tokens = [...skeleton(expr).matchAll(/[A-Za-z_:][\w:]*|[()]/g)].map((m) => m[0]);
  const openers: string[] = [];
  const found: string[] = [];
  tokens.forEach((token, i) => {
    const previous = tokens[i - 1] ?? '';
    if (token === '(') openers.push(/^[A-Za-z_:]/.test(previous) ? previous : '');
    else if (token === ')') openers.pop();
    else if (tokens[i + 1] !== '(' && COUNTER.test(token)) {
      const innermost = openers[openers.length - 1] ?? '';
      if (!LABEL_LISTS.has(innermost) && !COUNTER_FUNCTIONS.has(innermost)) found.push(token);
    }
  });
  return found;
}

/** A query's problems: counters outside rate/increase, windows other than $__rate_interval. */
export function exprProblems(expr: string): string[] {
  return [
    ...countersOutsideRate(expr).map((c) => `counter ${c} is used outside rate()/increase()`),
    ...badRateWindows(expr).map((w) => `window ${w} should be [$__rate_interval]`),
  ];
}

export function panelProblems(panel: PanelJson): string[] {
  const problems: string[] = [];
  if (!panel.title?.trim()) problems.push('has no title');
  if (!panel.description?.trim()) problems.push('has no description');
  if (!panel.datasource?.uid) problems.push('has no datasource');
  if (!panel.fieldConfig?.defaults?.unit) problems.push('has no unit (fieldConfig.defaults.unit)');
  if (!panel.targets?.length) problems.push('has no target');
  for (const target of panel.targets ?? []) {
    const name = `target ${target.refId ?? '?'}`;
    if (!target.datasource?.uid) problems.push(`${name} has no datasource`);
    if (!target.expr?.trim()) problems.push(`${name} has no expr`);
    else problems.push(...exprProblems(target.expr).map((p) => `${name}: ${p}`));
  }
  return problems;
}

/** Every rule over one dashboard, each problem prefixed with where it is. */
export function lintDashboard(dashboard: DashboardJson): string[] {
  const where = `dashboard ${dashboard.uid ?? dashboard.title ?? '?'}`;
  const problems: string[] = [];
  const variables = dashboard.templating?.list ?? [];
  const defined = new Set([...GLOBAL_VARIABLES, ...variables.map((v) => v.name)]);
  const undefinedIn = (text: string) => variablesUsed(text).filter((name) => !defined.has(name));

  panelsOf(dashboard).forEach((panel, i) => {
    const at = `${where}, panel "${panel.title ?? `#${i + 1}`}"`;
    problems.push(...panelProblems(panel).map((p) => `${at} ${p}`));
    for (const target of panel.targets ?? []) {
      problems.push(...undefinedIn(target.expr ?? '').map((n) => `${at} target ${target.refId ?? '?'} uses undefined variable $${n}`));
    }
  });
  for (const variable of variables) {
    const query = typeof variable.query === 'string' ? variable.query : JSON.stringify(variable.query ?? '');
    problems.push(...undefinedIn(query).map((n) => `${where}, variable ${variable.name} uses undefined variable $${n}`));
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    if (annotation.builtIn) continue;
    const at = `${where}, annotation "${annotation.name ?? '?'}"`;
    const expr = annotation.target?.expr ?? '';
    if (!annotation.datasource?.uid) problems.push(`${at} has no datasource`);
    problems.push(...exprProblems(expr).map((p) => `${at}: ${p}`));
    problems.push(...undefinedIn(expr).map((n) => `${at} uses undefined variable $${n}`));
  }
  return problems;
}

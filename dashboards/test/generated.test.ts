import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generatedDir, renderAll } from '../src/dashboards';
import { countersOutsideRate, lintDashboard, type DashboardJson } from '../src/lint';

const REGENERATE = 'run `npm run dashboards` (tsx dashboards/src/generate.ts) and commit dashboards/generated';
const generated = (): DashboardJson[] =>
  readdirSync(generatedDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(generatedDir, f), 'utf8')) as DashboardJson);

test('the committed dashboards/generated files equal what the TypeScript dashboards generate', () => {
  const expected = renderAll();
  const stale = [...expected].filter(
    ([name, text]) => !existsSync(join(generatedDir, name)) || readFileSync(join(generatedDir, name), 'utf8') !== text,
  );
  const extra = readdirSync(generatedDir).filter((f) => f.endsWith('.json') && !expected.has(f));
  const problems = [...stale.map(([name]) => `${name} is stale or missing`), ...extra.map((name) => `${name} is produced by no dashboard`)];
  assert.deepEqual(problems, [], `dashboards/generated is out of date (${problems.join('; ')}): ${REGENERATE}`);
});

test('every generated dashboard passes the structural rules', () => {
  const dashboards = generated();
  assert.ok(dashboards.length >= 3, 'expected the three hoptrace dashboards in dashboards/generated');
  assert.deepEqual(dashboards.flatMap(lintDashboard), []);
});

test('every generated dashboard has the environment and service variables and the hoptrace tag', () => {
  for (const d of generated() as (DashboardJson & { tags?: string[] })[]) {
    assert.deepEqual(
      d.templating?.list?.map((v) => v.name),
      ['environment', 'service'],
      `${d.uid} variables`,
    );
    assert.ok(d.tags?.includes('hoptrace'), `${d.uid} is tagged hoptrace`);
  }
});

/* Each rule fires on a small bad example: a lint that never fires proves nothing. */
const ds = { type: 'prometheus', uid: 'prometheus' };
const goodPanel = {
  type: 'timeseries',
  title: 'Requests',
  description: 'requests per second',
  datasource: ds,
  fieldConfig: { defaults: { unit: 'reqps' } },
  targets: [{ refId: 'A', datasource: ds, expr: 'sum(rate(http_total{service_name=~"$service"}[$__rate_interval]))' }],
};
const dashboardWith = (panel: object, extra: Partial<DashboardJson> = {}): DashboardJson => ({
  uid: 'bad',
  panels: [panel],
  templating: { list: [{ name: 'service' }] },
  ...extra,
});
const problemsOf = (panel: object, extra?: Partial<DashboardJson>) => lintDashboard(dashboardWith(panel, extra)).join('\n');

test('the rules accept a well-formed panel', () => {
  assert.deepEqual(lintDashboard(dashboardWith(goodPanel)), []);
});

test('a panel without datasource, title, description or unit is reported', () => {
  assert.match(problemsOf({ ...goodPanel, datasource: undefined }), /panel "Requests" has no datasource/);
  assert.match(problemsOf({ ...goodPanel, title: '' }), /has no title/);
  assert.match(problemsOf({ ...goodPanel, description: ' ' }), /has no description/);
  assert.match(problemsOf({ ...goodPanel, fieldConfig: { defaults: {} } }), /has no unit/);
});

test('a panel without targets, or a target without datasource, is reported', () => {
  assert.match(problemsOf({ ...goodPanel, targets: [] }), /has no target/);
  assert.match(problemsOf({ ...goodPanel, targets: [{ ...goodPanel.targets[0], datasource: undefined }] }), /target A has no datasource/);
});

test('panels inside a collapsed row are checked too', () => {
  assert.match(
    problemsOf({ type: 'row', title: 'Row', panels: [{ ...goodPanel, description: '' }] }),
    /panel "Requests" has no description/,
  );
});

test('a rate window other than $__rate_interval is reported', () => {
  const target = { ...goodPanel.targets[0], expr: 'sum(rate(http_total[5m]))' };
  assert.match(problemsOf({ ...goodPanel, targets: [target] }), /window \[5m\] should be \[\$__rate_interval\]/);
  const subquery = { ...target, expr: 'max_over_time(up[1h:1m])' };
  assert.match(problemsOf({ ...goodPanel, targets: [subquery] }), /window \[1h:1m\]/);
});

test('a counter outside rate() or increase() is reported', () => {
  const target = { ...goodPanel.targets[0], expr: 'sum(http_requests_total)' };
  assert.match(problemsOf({ ...goodPanel, targets: [target] }), /counter http_requests_total is used outside rate\(\)\/increase\(\)/);
  assert.deepEqual(countersOutsideRate('sum by (le) (x_bucket) / x_count + irate(x_sum[1m])'), ['x_bucket', 'x_count', 'x_sum']);
});

test('counters inside rate(), increase() and histogram_quantile over rate() are accepted', () => {
  assert.deepEqual(
    countersOutsideRate('histogram_quantile(0.9, sum by (le, job_count) (rate(x_bucket{a="b_total"}[$__rate_interval])))'),
    [],
  );
  assert.deepEqual(countersOutsideRate('sum(increase(x_total[$__rate_interval])) by (y_sum) / sum(rate(x_count[$__rate_interval]))'), []);
});

test('a variable used in a query but not defined is reported', () => {
  const target = { ...goodPanel.targets[0], expr: 'sum(rate(http_total{env="${environment}"}[$__rate_interval]))' };
  assert.match(problemsOf({ ...goodPanel, targets: [target] }), /target A uses undefined variable \$environment/);
  const variables = { templating: { list: [{ name: 'service', query: 'label_values(up{cluster="$cluster"}, job)' }] } };
  assert.match(problemsOf(goodPanel, variables), /variable service uses undefined variable \$cluster/);
});

test('an annotation query is held to the same rules', () => {
  const annotations = { annotations: { list: [{ name: 'faults', target: { expr: 'hoptrace_faults_total{kind="$kind"}' } }] } };
  const problems = problemsOf(goodPanel, annotations);
  assert.match(problems, /annotation "faults" has no datasource/);
  assert.match(problems, /counter hoptrace_faults_total is used outside/);
  assert.match(problems, /annotation "faults" uses undefined variable \$kind/);
});

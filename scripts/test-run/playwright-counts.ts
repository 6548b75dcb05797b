/**
 * The counts npm test adds up from Playwright's JSON reporter (its `stats`): passed = expected;
 * failed = unexpected, flaky (a flaky pass is a defect here: retries are 0) and skipped (nothing
 * in the suite is skipped on purpose: a skipped test is one that did not run, e.g. because the
 * project it depends on failed or the global timeout struck).
 */
export interface PlaywrightStats {
  expected: number;
  unexpected: number;
  flaky: number;
  skipped: number;
}

export function playwrightCounts(report: { stats?: Partial<PlaywrightStats>; errors?: unknown[] }): { passed: number; failed: number } {
  const s = report.stats ?? {};
  const failed = (s.unexpected ?? 0) + (s.flaky ?? 0) + (s.skipped ?? 0);
  // An error outside any test (a config that does not load, a global setup that throws) is a failure too.
  return { passed: s.expected ?? 0, failed: failed + (failed === 0 && (report.errors?.length ?? 0) > 0 ? 1 : 0) };
}

import { join } from 'node:path';

/** Where the Playwright run leaves its reports: HTML for people, JSON for npm test's counts. */
export const PLAYWRIGHT_HTML_REPORT = join(__dirname, '..', 'playwright-report');
export const PLAYWRIGHT_JSON_REPORT = join(__dirname, '..', 'test-results', 'results.json');

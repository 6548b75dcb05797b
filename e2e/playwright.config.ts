import { defineConfig, devices } from '@playwright/test';
import { join } from 'node:path';
import { PLAYWRIGHT_HTML_REPORT, PLAYWRIGHT_JSON_REPORT } from './support/reports';
import { gatewayUrl } from './support/stack';

/**
 * hoptrace's end-to-end failure suite, run against the native stack that `npm start` runs:
 *   npx playwright test -c e2e/playwright.config.ts
 * `scenarios` leave the shared infrastructure alone and run two at a time; `outages` stop Kafka,
 * Postgres and Jaeger, so they run after every scenario, one at a time.
 */
export default defineConfig({
  testDir: join(__dirname, 'specs'),
  outputDir: join(__dirname, 'test-results'),
  // Two cores: the services, Kafka, Postgres and Jaeger share them with the browser.
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  globalTimeout: 15 * 60_000,
  // list for the terminal, HTML for people (a failed test carries its trace tree), JSON for npm test's counts.
  reporter: [['list'], ['html', { outputFolder: PLAYWRIGHT_HTML_REPORT, open: 'never' }], ['json', { outputFile: PLAYWRIGHT_JSON_REPORT }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: gatewayUrl,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'scenarios', testIgnore: /outages\.spec\.ts$/ },
    { name: 'outages', testMatch: /outages\.spec\.ts$/, dependencies: ['scenarios'], fullyParallel: false, workers: 1 },
  ],
});

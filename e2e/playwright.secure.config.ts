import { defineConfig } from '@playwright/test';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import base from './playwright.config';
import { PLAYWRIGHT_HTML_REPORT, PLAYWRIGHT_JSON_REPORT } from './support/reports';
import { gatewayUrl, pki } from './support/stack';

/**
 * The scenarios that prove secure mode end to end, against a stack started with
 * `npm start -- --secure` (npm test starts one after the default suite):
 *   npx playwright test -c e2e/playwright.secure.config.ts
 * the happy path through the storefront over HTTPS (one trace across every hop, browser spans
 * relayed over HTTPS), a payments fault, and Kafka down and back, then the UI's HTTPS checks.
 *
 * Chromium trusts the local CA, and only it: `--ignore-certificate-errors-spki-list` with the
 * SHA-256 of the CA's public key, which the servers send with their certificate. Not
 * `ignoreHTTPSErrors`, which would accept any certificate at all; not an NSS database, which needs
 * certutil (libnss3-tools) and a profile of our own. A certificate from any other issuer still fails.
 */
if (!pki) throw new Error('e2e/playwright.secure.config.ts runs against a stack started with npm start -- --secure');
const caSpki = createHash('sha256')
  .update(new X509Certificate(readFileSync(pki.ca)).publicKey.export({ type: 'spki', format: 'der' }))
  .digest('base64');
const launch = base.use?.launchOptions ?? {};

export default defineConfig({
  ...base,
  testDir: __dirname,
  reporter: [
    ['list'],
    ['html', { outputFolder: `${PLAYWRIGHT_HTML_REPORT}-secure`, open: 'never' }],
    ['json', { outputFile: PLAYWRIGHT_JSON_REPORT }],
  ],
  outputDir: join(__dirname, 'test-results-secure'),
  use: {
    ...base.use,
    baseURL: gatewayUrl,
    launchOptions: { ...launch, args: [...(launch.args ?? []), `--ignore-certificate-errors-spki-list=${caSpki}`] },
  },
  projects: [
    { name: 'secure', testMatch: [/specs\/(happy-path|payments-error)\.spec\.ts$/, /secure\/.*\.spec\.ts$/] },
    { name: 'secure-outages', testMatch: /specs\/outages\.spec\.ts$/, grep: /while Kafka is down/, dependencies: ['secure'], workers: 1 },
  ],
});

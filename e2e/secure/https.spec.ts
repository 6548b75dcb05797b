import { expect, test } from '@playwright/test';
import { gatewayUrl, hostPort } from '../support/stack';

/** What a browser sees of secure mode: the shop over HTTPS only, trusted through the local CA. */
test('the storefront is served over HTTPS, plain HTTP redirects there, and every request of the page stays on HTTPS', async ({ page }) => {
  expect(gatewayUrl).toMatch(/^https:\/\//);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const answer = await page.goto(`http://${hostPort('gateway', 8080)}/`);
  expect(page.url()).toBe(`${gatewayUrl}/`);
  expect(answer?.status()).toBe(200);
  const security = await answer!.securityDetails();
  expect(security?.issuer).toBe('hoptrace local CA');
  expect(security?.protocol).toMatch(/^TLS 1\.[23]$/);
  await expect(page.getByTestId('product-list')).toBeVisible();
  expect(
    requests.filter((u) => !u.startsWith('https://') && !u.startsWith('data:')),
    'only the first request was plain',
  ).toEqual([`http://${hostPort('gateway', 8080)}/`]);
});

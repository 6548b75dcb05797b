import { expect, type Locator, type Page, type Response } from '@playwright/test';
import { jaegerQueryUrl } from './stack';

/**
 * The Jaeger UI (jaeger-ui v1.76.0, which none of us wrote) as a user drives it. It has no test
 * ids, so this reads it by its roles, form names and class names, found by rendering it; if an
 * upgrade renames them, this file is the one place to change.
 */
export type MonitorSpanKind = 'Server' | 'Client' | 'Producer' | 'Consumer' | 'Internal';

export class JaegerUi {
  constructor(readonly page: Page) {}

  /**
   * The page must be the real UI: without the assets, the Go module's build of Jaeger serves a
   * placeholder page (title "Test Page"). The real one's title ends in "Jaeger UI" (a trace page
   * puts the trace's name first).
   */
  async expectRealUi(): Promise<void> {
    await expect(this.page, 'Jaeger serves the real UI, not its placeholder page (is HOPTRACE_JAEGER_UI_ASSETS set?)').toHaveTitle(
      /Jaeger UI$/,
    );
    await expect(this.page.locator('#jaeger-ui-root')).toBeAttached();
  }

  async openTrace(traceId: string): Promise<void> {
    await this.page.goto(`${jaegerQueryUrl}/trace/${traceId}`);
    await this.expectTraceShown(traceId);
  }

  /** The trace page has loaded this trace: its header shows the short id and the timeline has rows. */
  async expectTraceShown(traceId: string): Promise<void> {
    await this.expectRealUi();
    await expect(this.page.locator('h1 .TraceIDLength')).toHaveText(traceId.slice(0, 7));
    await expect(this.timelineRows().first()).toBeVisible();
  }

  /** The header's "Total Spans" figure. */
  async totalSpans(): Promise<number> {
    const item = this.page.locator('.LabeledList--item', { hasText: 'Total Spans' });
    return Number((await item.locator('strong').textContent())?.trim());
  }

  /** One row per span in the timeline (jaeger-ui draws up to 300 rows before it virtualises on scrolling). */
  timelineRows(): Locator {
    return this.page.locator('.VirtualizedTraceView--row .span-row');
  }

  /** The services named by the timeline's rows, each once. */
  async timelineServices(): Promise<string[]> {
    const names = await this.page.locator('.span-row .span-svc-name').allTextContents();
    return [...new Set(names.map((n) => n.trim()))].sort();
  }

  /** A span's row in the timeline: its toggle is named "<service> <operation>". */
  span(service: string, operation: string): Locator {
    return this.page.getByRole('switch', { name: `${service} ${operation}`, exact: true });
  }

  /** Opens a span's detail and its Tags table; returns the attributes the table lists. */
  async spanAttributes(service: string, operation: string): Promise<Record<string, string>> {
    await this.span(service, operation).click();
    const detail = this.page.locator('.detail-info-wrapper', { has: this.page.getByRole('heading', { name: operation, exact: true }) });
    await expect(detail).toBeVisible();
    await detail.getByRole('switch', { name: /^Tags:/ }).click();
    const rows = detail.locator('.KeyValueTable--row');
    await expect(rows.first()).toBeVisible();
    const attributes: Record<string, string> = {};
    for (const row of await rows.all()) {
      const key = (await row.locator('.KeyValueTable--keyColumn').textContent())?.trim();
      if (key) attributes[key] = (await row.locator('td').nth(1).innerText()).trim();
    }
    return attributes;
  }

  /** Search with the form, as a user does: one service and `key=value` tags. */
  async search(service: string, tags: Record<string, string>): Promise<Locator> {
    await this.page.goto(`${jaegerQueryUrl}/search`);
    await this.expectRealUi();
    await this.choose(this.page.locator('.ant-select[name="service"]'), service);
    await this.page.locator('input[name="tags"]').fill(
      Object.entries(tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    );
    await this.page.getByRole('button', { name: 'Find Traces' }).click();
    return this.page.locator('.ResultItem');
  }

  async openMonitor(): Promise<void> {
    await this.page.goto(`${jaegerQueryUrl}/monitor`);
    await this.expectRealUi();
    await expect(this.page.locator('.select-a-service-input')).toBeVisible();
  }

  /**
   * Shows one service's RED metrics for a span kind in the Monitor tab; resolves with the per
   * operation call rates the UI fetched for it (what its table draws).
   */
  async monitorService(service: string, kind: MonitorSpanKind): Promise<Response> {
    const kindSelect = this.page.locator('.span-kind-selector');
    const serviceSelect = this.page.locator('.select-a-service-input');
    if ((await kindSelect.locator('.ant-select-content-value').getAttribute('title')) !== kind) await this.choose(kindSelect, kind);
    const fetched = this.page.waitForResponse((res) => {
      const url = new URL(res.url());
      return (
        url.pathname === '/api/metrics/calls' &&
        url.searchParams.get('service') === service &&
        url.searchParams.get('spanKind') === kind.toLowerCase() &&
        url.searchParams.get('groupByOperation') === 'true'
      );
    });
    await this.choose(serviceSelect, service);
    return fetched;
  }

  /** Rows of the Monitor tab's "Operations metrics" table. */
  monitorOperations(): Locator {
    return this.page.locator('.ant-table-tbody tr.table-row');
  }

  /** Picks an option of an antd select by its exact title, typing to filter (the option list is virtual). */
  private async choose(select: Locator, option: string): Promise<void> {
    await select.click();
    await this.page.keyboard.type(option);
    await this.page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`).click();
    await expect(select.locator('.ant-select-content-value')).toHaveAttribute('title', option);
  }
}

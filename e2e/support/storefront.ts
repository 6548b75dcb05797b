import { expect, type Page } from '@playwright/test';
import { APPROVED_CARD } from './shop';

/** The storefront as a shopper drives it, by the data-testids the views expose. */
export class Storefront {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByTestId('product-list')).toBeVisible();
  }

  async addToCart(sku: string, quantity = 1): Promise<void> {
    for (let i = 0; i < quantity; i++) await this.page.getByTestId(`add-to-cart-${sku}`).click();
    await expect(this.page.getByTestId(`cart-line-${sku}`)).toBeVisible();
    await expect(this.page.getByTestId(`cart-qty-${sku}`)).toHaveValue(String(quantity));
  }

  async checkout(email: string, card = APPROVED_CARD): Promise<void> {
    await this.page.getByTestId('checkout-email').fill(email);
    await this.page.getByTestId('checkout-card-number').fill(card.cardNumber);
    await this.page.getByTestId('checkout-expiry').fill(card.expiry);
    await this.page.getByTestId('checkout-cvc').fill(card.cvc);
    await this.page.getByTestId('checkout-submit').click();
  }

  /** The order id of the order page the browser is on. */
  async orderIdOnPage(): Promise<string> {
    await expect(this.page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
    return (await this.page.getByTestId('order-id').textContent())!.trim();
  }

  async traceIdOnPage(): Promise<string> {
    const traceId = this.page.getByTestId('trace-id');
    await expect(traceId).toHaveText(/^[0-9a-f]{32}$/);
    return (await traceId.textContent())!.trim();
  }
}

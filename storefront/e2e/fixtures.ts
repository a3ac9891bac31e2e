// The specs' test: every page's Content-Security-Policy violations fail the test; `shop` signs customers in (each
// test its own, per project), makes products and fills carts through the API; `expectAccessible` runs axe.
import AxeBuilder from '@axe-core/playwright';
import { type Page, test as base, expect } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { apiCall, env, sleep, token } from './support';

export { expect };

/** axe on the page as it is: no serious or critical violation (WCAG 2.x A and AA rules). */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${what}`).toEqual([]);
}

type Csp = { violations: string[]; expected: boolean };

type Shop = {
  /** A customer of this test only (`name` plus the project and a random part), signed in on `page`. */
  signIn(page: Page, name: string): Promise<string>;
  /** A new product of this test only; returns its SKU. */
  product(p: { available: number; event?: boolean; maxPerCustomer?: number; name?: string; price?: number }): Promise<string>;
  /** Puts `quantity` of `sku` in the customer's cart through the API (as another tab would). */
  setCart(customer: string, sku: string, quantity: number): Promise<void>;
};

export const test = base.extend<{ csp: Csp; shop: Shop }>({
  csp: [async ({ context }, use) => {
    const csp: Csp = { violations: [], expected: false };
    await context.exposeBinding('reportCspViolation', ({ page }, what: string) => { csp.violations.push(`${page.url()}: ${what}`); });
    await context.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => (window as any).reportCspViolation(
      `${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`)));
    context.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.violations.push(`${m.page()?.url()}: console: ${m.text()}`);
    });
    await use(csp);
    // the app works under its Content-Security-Policy: nothing was refused in the test's pages
    if (!csp.expected) expect(csp.violations, 'Content-Security-Policy violations').toEqual([]);
  }, { auto: true }],

  shop: async ({}, use, testInfo) => {
    const tag = `${testInfo.project.name}-${randomUUID().slice(0, 6)}`;
    await use({
      async signIn(page, name) {
        const customer = `${name}-${tag}`;
        await page.goto(`${env.web}/#/signin`);
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await page.evaluate(([c, t]) => {
          sessionStorage.setItem('storefront.customer', c);
          sessionStorage.setItem('storefront.token', t);
        }, [customer, token(customer)]);
        await page.goto(`${env.web}/#/`);
        await page.reload();
        await page.getByRole('heading', { name: 'Catalog' }).waitFor();
        await expect(page.locator('#who')).toContainText(customer);
        return customer;
      },
      async product({ available, event = true, maxPerCustomer, name, price = 50000 }) {
        const sku = `E2E-${tag}-${randomUUID().slice(0, 4)}`.toUpperCase();
        const created = await apiCall('PUT', `/api/products/${sku}`, 'admin', {
          name: name ?? `Test item ${sku}`, price: { amountMinor: price, currency: 'KRW' }, available, event, maxPerCustomer,
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        return sku;
      },
      async setCart(customer, sku, quantity) {
        // carts live in Redis, shared with other work on this machine: a moment's 503 is tried again
        let put = await apiCall('PUT', `/api/cart/items/${sku}`, customer, { quantity });
        for (let i = 0; put.status === 503 && i < 10; i++) {
          await sleep(500);
          put = await apiCall('PUT', `/api/cart/items/${sku}`, customer, { quantity });
        }
        expect(put.status, JSON.stringify(put.body)).toBeLessThan(300);
      },
    });
  },
});

/** The Idempotency-Keys of the page's checkout requests. */
export function checkoutKeys(page: Page): string[] {
  const keys: string[] = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/cart/checkout') && r.method() === 'POST') keys.push(r.headers()['idempotency-key']); });
  return keys;
}

// The purchase path: browse, cart, checkout, pay; sold out under the buyer; the shut door; a reload mid-checkout;
// a payment whose outcome is not known at first; an error's request id.
import { randomUUID } from 'node:crypto';
import { checkoutKeys, expect, expectAccessible, test } from './fixtures';
import { apiCall, env, pg, sleep } from './support';

const orders = (customer: string, sku?: string) => Number(pg(`select count(*) from customer_order o where customer_id = '${customer}'${sku
  ? ` and exists (select 1 from order_line l where l.order_id = o.id and l.sku = '${sku}')` : ''}`));

test('the demo sign-in lists the local run\'s customers', async ({ page }) => {
  await page.goto(`${env.web}/#/signin`);
  await expectAccessible(page, 'the sign-in page');
  await page.click('[data-testid=demo-customers] button[data-customer=sam]');
  await page.getByRole('heading', { name: 'Catalog' }).waitFor();
  await expect(page.locator('#who')).toContainText('sam');
});

test('browse, cart, checkout, pay: the order shows PAID, then refunded', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'alice');
  await page.locator('.product[data-sku=EVENT-001] .event').waitFor();
  await expectAccessible(page, 'the catalog');
  await page.click('a[href="#/products/SKU-00001"]');
  await page.getByTestId('add-to-cart').waitFor();
  await expectAccessible(page, 'a product page');
  await page.fill('input[name=quantity]', '2');
  await page.click('[data-testid=add-to-cart]');
  await page.getByTestId('added').waitFor();
  await page.goto(`${env.web}/#/cart`);
  await page.getByTestId('to-checkout').waitFor();
  await expectAccessible(page, 'the cart');
  await page.click('[data-testid=to-checkout]');
  await page.getByTestId('place-order').waitFor();
  await expectAccessible(page, 'the checkout');
  await page.click('[data-testid=place-order]');
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  await expectAccessible(page, 'an order awaiting payment');
  await page.click('[data-testid=pay]');
  await page.locator('[data-testid=order-status][data-status=PAID]').waitFor();
  await expectAccessible(page, 'a paid order');
  expect(pg(`select string_agg(status, ',') from customer_order where customer_id = '${customer}'`)).toBe('PAID');
  // cancelled after payment: the page says the money was paid back, and when
  const orderId = pg(`select id from customer_order where customer_id = '${customer}'`);
  const cancel = await apiCall('POST', `/api/orders/${orderId}/cancel`, customer);
  expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
  await page.reload();
  await page.locator('[data-testid=order-status][data-status=REFUNDED]').waitFor();
  await page.getByTestId('payment-refund').filter({ hasText: /^Refunded .* on / }).waitFor();
  await page.goto(`${env.web}/#/orders`);
  await page.getByRole('heading', { name: 'Your orders' }).waitFor();
  await expectAccessible(page, 'the orders page');
});

test('an event product sells out and the page says so', async ({ page, shop }) => {
  const sku = await shop.product({ available: 1 });
  const customer = await shop.signIn(page, 'sam');
  await shop.setCart(customer, sku, 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.getByTestId('place-order').waitFor();
  // somebody else buys the last unit meanwhile
  const other = await apiCall('POST', '/api/orders', `olga-${randomUUID()}`, { lines: [{ sku, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
  expect(other.status, JSON.stringify(other.body)).toBe(201);
  await page.click('[data-testid=place-order]');
  await expect(page.getByTestId('checkout-sold-out')).toContainText('Sold out');
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expectAccessible(page, 'the checkout, sold out');
  // the product page says so too, once the catalog cache (at most 6 s) has the new stock
  for (let i = 0; ; i++) {
    if (i === 0) await page.goto(`${env.web}/#/products/${sku}`);
    else await page.reload();
    await page.getByTestId('add-to-cart').waitFor();
    if (await page.getByTestId('sold-out').count() > 0) break;
    expect(i, 'the product page never said sold out').toBeLessThan(16);
    await sleep(500);
  }
  await expect(page.getByTestId('add-to-cart')).toBeDisabled();
  await expectAccessible(page, 'a sold-out product');
  expect(orders(customer)).toBe(0);
});

test('door shut: the page counts down Retry-After and succeeds with the same key', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'dora');
  await shop.setCart(customer, 'SKU-00011', 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.getByTestId('place-order').waitFor();
  const keys = checkoutKeys(page);
  // the customer's order a moment ago (another tab): the door stays shut for 3 s
  expect((await apiCall('POST', '/api/orders', customer, { lines: [{ sku: 'SKU-00010', quantity: 1 }] }, { 'Idempotency-Key': randomUUID() })).status).toBe(201);
  await page.click('[data-testid=place-order]');
  await page.locator('#status.busy', { hasText: /busy, retrying in \d s/ }).waitFor();
  await expectAccessible(page, 'the busy countdown');
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  expect(keys.length, 'a refused request and its retry').toBeGreaterThanOrEqual(2);
  expect(new Set(keys).size, `the retry changed the key: ${keys}`).toBe(1);
  expect(orders(customer, 'SKU-00011')).toBe(1);
  expect(orders(customer)).toBe(2);
});

test('a reload mid-checkout does not create a second order', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'rita');
  await shop.setCart(customer, 'SKU-00020', 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.getByTestId('place-order').waitFor();
  const keys = checkoutKeys(page);
  let reloaded: Promise<unknown> | undefined;
  // the order is placed on the server, and the page is reloaded before its answer arrives
  await page.route('**/api/cart/checkout', async (route) => {
    const answer = await route.fetch();
    expect(answer.status()).toBe(201);
    reloaded = page.reload();
    await route.abort().catch(() => {});
  }, { times: 1 });
  await page.click('[data-testid=place-order]');
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  await reloaded;
  expect(keys.length, 'the first request and the resumed one').toBeGreaterThanOrEqual(2);
  expect(new Set(keys).size, `the reload changed the key: ${keys}`).toBe(1);
  expect(orders(customer)).toBe(1);
});

test('an UNKNOWN payment is followed until it settles', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'uma');
  await shop.setCart(customer, 'SKU-00030', 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.click('[data-testid=place-order]');
  await page.getByTestId('pay').waitFor();
  await page.selectOption('select[name=method]', 'tok_mastercard');
  await page.click('[data-testid=pay]');
  await page.getByTestId('payment-unknown').waitFor();
  await expectAccessible(page, 'a payment being confirmed');
  await page.locator('[data-testid=order-status][data-status=PAID]').waitFor({ timeout: 30000 });
  expect(pg(`select string_agg(status, ',') from customer_order where customer_id = '${customer}'`)).toBe('PAID');
});

test('an error shows the problem\'s title and the X-Request-Id', async ({ page, shop }) => {
  await shop.signIn(page, 'eve');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/products/NOPE-404'));
  await page.goto(`${env.web}/#/products/NOPE-404`);
  const requestId = (await answered).headers()['x-request-id'];
  expect(requestId, 'the response carries no X-Request-Id').toBeTruthy();
  await page.getByTestId('error').filter({ hasText: `Request id: ${requestId}` }).waitFor();
  expect((await page.getByTestId('error').locator('strong').textContent())!.length, 'no title').toBeGreaterThan(0);
  await expectAccessible(page, 'an error');
});

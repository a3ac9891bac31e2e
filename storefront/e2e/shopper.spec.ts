// What a shopper meets (issue #35): each test one point, on the desktop and the phone viewport.
import { randomUUID } from 'node:crypto';
import { checkoutKeys, expect, expectAccessible, test } from './fixtures';
import { apiCall, env, pg, sleep, token } from './support';

const cartOf = async (customer: string) => (await apiCall('GET', '/api/cart', customer)).body.items as { sku: string; quantity: number }[];

test('1: "only N left" on the product, in the cart and at checkout, with the way to fix it', async ({ page, shop }) => {
  const sku = await shop.product({ available: 1, name: 'Espresso machine' });
  const customer = await shop.signIn(page, 'una');
  await shop.setCart(customer, sku, 2);
  await page.goto(`${env.web}/#/products/${sku}`);
  await expect(page.getByTestId('stock')).toHaveText('Only 1 left');
  await page.goto(`${env.web}/#/cart`);
  await expect(page.getByTestId('line-problem')).toContainText('Espresso machine: Only 1 left: reduce it to 1');
  await expect(page.getByTestId('to-checkout')).toHaveCount(0);
  await expectAccessible(page, 'a cart with a line that cannot be ordered');
  // the checkout sent anyway (the stock went down after the page was shown) says the same, by name
  await page.click('[data-testid=set-quantity]');
  await page.getByTestId('to-checkout').click();
  await page.getByTestId('place-order').waitFor();
  await shop.setCart(customer, sku, 2);
  await page.click('[data-testid=place-order]');
  await expect(page.getByTestId('checkout-sold-out')).toContainText('Only 1 left of Espresso machine');
  await expect(page.getByTestId('checkout-sold-out')).not.toContainText(sku);
  // said to screen readers through the page's live region, not by a live region inserted with its text inside
  await expect(page.getByTestId('announcer')).toHaveText('Only 1 left of Espresso machine. Nothing was ordered.');
  await expect(page.getByTestId('checkout-sold-out')).not.toHaveAttribute('role', 'status');
});

test('2: "Add to cart" adds to what the cart holds and says how many there are now', async ({ page, shop }) => {
  const sku = await shop.product({ available: 50, event: false });
  const customer = await shop.signIn(page, 'ann');
  await page.goto(`${env.web}/#/products/${sku}`);
  await page.fill('input[name=quantity]', '3');
  await page.click('[data-testid=add-to-cart]');
  await expect(page.getByTestId('added')).toContainText('Added 3 to your cart.');
  await page.fill('input[name=quantity]', '1');
  await page.click('[data-testid=add-to-cart]');
  await expect(page.getByTestId('added')).toContainText('Added 1. You now have 4 in your cart.');
  expect(await cartOf(customer)).toEqual([expect.objectContaining({ sku, quantity: 4 })]);
});

test('3: the per-customer limit is checked when adding and in the cart, by name', async ({ page, shop }) => {
  const sku = await shop.product({ available: 50, maxPerCustomer: 2, name: 'Smart watch' });
  const customer = await shop.signIn(page, 'lim');
  const puts: string[] = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.url()); });
  await page.goto(`${env.web}/#/products/${sku}`);
  await expect(page.getByTestId('limit')).toHaveText('At most 2 per customer.');
  await page.fill('input[name=quantity]', '3');
  await page.click('[data-testid=add-to-cart]');
  await expect(page.getByTestId('quantity-error')).toHaveText('At most 2 per customer.');
  await page.fill('input[name=quantity]', '2');
  await page.click('[data-testid=add-to-cart]');
  await page.getByTestId('added').waitFor();
  await page.fill('input[name=quantity]', '1');
  await page.click('[data-testid=add-to-cart]');
  await expect(page.getByTestId('quantity-error')).toHaveText('At most 2 per customer. You already have 2 in your cart.');
  expect(puts).toHaveLength(1);
  // 3 put in the cart elsewhere: the cart says so and offers no checkout until it is fixed
  await shop.setCart(customer, sku, 3);
  await page.goto(`${env.web}/#/cart`);
  await expect(page.getByTestId('line-problem')).toContainText('Smart watch: At most 2 per customer: reduce it to 2.');
  await expect(page.getByTestId('to-checkout')).toHaveCount(0);
  await page.click('[data-testid=set-quantity]');
  await page.getByTestId('to-checkout').waitFor();
  expect(await cartOf(customer)).toEqual([expect.objectContaining({ sku, quantity: 2 })]);
});

test('4: cancel from the order page; a refunded order says what was charged and what was paid back', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'can');
  await shop.setCart(customer, 'SKU-00040', 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.click('[data-testid=place-order]');
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  await page.click('[data-testid=pay]');
  await page.locator('[data-testid=order-status][data-status=PAID]').waitFor();
  await expect(page.getByTestId('payment-status')).toContainText(/^Charged ₩[\d,]+ on /);
  await page.click('[data-testid=cancel]');
  await expectAccessible(page, 'the cancel confirmation');
  await page.click('[data-testid=confirm-cancel]');
  await page.locator('[data-testid=order-status][data-status=REFUNDED]').waitFor();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled and refunded');
  await expect(page.getByTestId('payment-refund')).toContainText(/^Refunded ₩[\d,]+ on /);
  await expect(page.getByTestId('cancel')).toHaveCount(0);
  await expectAccessible(page, 'a refunded order');
  // an order awaiting payment is cancelled without a charge
  await shop.setCart(customer, 'SKU-00041', 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.click('[data-testid=place-order]', { timeout: 20000 });
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  await page.click('[data-testid=cancel]');
  await page.click('[data-testid=confirm-cancel]');
  await page.locator('[data-testid=order-status][data-status=CANCELLED]').waitFor();
  await expect(page.getByTestId('cancelled')).toHaveText('Cancelled. Nothing was charged.');
  await expectAccessible(page, 'an order cancelled before payment');
});

test('5: two tabs on one cart: one order, one key, and the other tab links to it', async ({ context, page, shop }) => {
  const customer = await shop.signIn(page, 'two');
  const other = await context.newPage();
  await other.goto(`${env.web}/#/signin`);
  await other.evaluate(([c, t]) => { sessionStorage.setItem('storefront.customer', c); sessionStorage.setItem('storefront.token', t); }, [customer, token(customer)]);
  await other.reload();
  await shop.setCart(customer, 'SKU-00050', 1);
  await page.goto(`${env.web}/#/checkout`);
  await other.goto(`${env.web}/#/checkout`);
  await page.getByTestId('place-order').waitFor();
  await other.getByTestId('place-order').waitFor();
  const keys = checkoutKeys(page);
  const otherKeys = checkoutKeys(other);
  // both at once, both in flight: the cart each click reads is answered to both tabs together, and each checkout is
  // held a second before it reaches the service, so neither tab sees the other's order before sending its own
  const waiting: (() => void)[] = [];
  const together = () => new Promise<void>((go) => {
    waiting.push(go);
    if (waiting.length >= 2) waiting.splice(0).forEach((g) => g());
    else setTimeout(go, 5000);
  });
  await context.route('**/api/cart', async (route) => {
    if (route.request().method() === 'GET') await together();
    await route.continue();
  });
  await context.route('**/api/cart/checkout', async (route) => {
    if (route.request().method() === 'POST') await sleep(1000);
    await route.continue();
  });
  // one tab ends on the order, the other on it too or on "your order was placed" with its link; never "Cart empty"
  // as an error
  await Promise.all([page.click('[data-testid=place-order]'), other.click('[data-testid=place-order]')]);
  await expect.poll(() => pg(`select count(*) from customer_order where customer_id = '${customer}'`)).toBe('1');
  const orderId = pg(`select id from customer_order where customer_id = '${customer}'`);
  for (const tab of [page, other]) {
    await expect(tab.locator(`[data-testid=order-status][data-status=PENDING_PAYMENT], [data-testid=placed-order][href="#/orders/${orderId}"]`).first()).toBeVisible();
    if (await tab.getByTestId('order-status').count()) expect(tab.url()).toContain(orderId);
    await expect(tab.getByTestId('error')).toHaveCount(0);
    await expect(tab.getByTestId('place-order')).toHaveCount(0);
  }
  await context.unrouteAll({ behavior: 'wait' });
  expect(keys.length, 'the first tab sent no checkout').toBeGreaterThanOrEqual(1);
  expect(otherKeys.length, 'the second tab sent no checkout').toBeGreaterThanOrEqual(1);
  expect(new Set([...keys, ...otherKeys]).size, `keys: ${keys} and ${otherKeys}`).toBe(1);
  expect(Number(pg(`select count(*) from customer_order where customer_id = '${customer}'`))).toBe(1);
  // a tab left on the checkout while the other one orders: it changes by itself
  await shop.setCart(customer, 'SKU-00051', 1);
  for (const tab of [page, other]) {
    await tab.goto(`${env.web}/#/checkout`);
    await tab.reload();
  }
  await other.getByTestId('place-order').waitFor();
  await page.click('[data-testid=place-order]', { timeout: 20000 });
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  await expect(other.getByTestId('placed-order')).toHaveAttribute('href', `#/orders/${page.url().split('/').pop()}`);
  await expect(other.getByTestId('place-order')).toHaveCount(0);
  await expectAccessible(other, 'the checkout after an order placed in another tab');
});

test('6: an order past its deadline says it expired and offers no Pay', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'exp');
  const placed = await apiCall('POST', '/api/orders', customer, { lines: [{ sku: 'SKU-00060', quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
  expect(placed.status).toBe(201);
  await page.goto(`${env.web}/#/orders/${placed.body.id}`);
  await page.getByTestId('pay').waitFor();
  await expect(page.getByTestId('deadline')).toContainText('Pay before');
  // the deadline passes while the page is open (the order's clock moved, as after a long pause)
  pg(`update customer_order set expires_at = now() - interval '1 second' where id = '${placed.body.id}'`);
  await page.click('[data-testid=pay]');
  await expect(page.getByTestId('order-expired')).toContainText('has expired: nothing was charged');
  await expect(page.getByTestId('announcer')).toHaveText('This order can no longer be paid: it changed meanwhile. Here it is as it is now.');
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'EXPIRED');
  await expect(page.getByTestId('pay')).toHaveCount(0);
  await expectAccessible(page, 'an expired order');
  // opened after the deadline: said at once
  await page.reload();
  await page.getByTestId('order-expired').waitFor();
  await expect(page.getByTestId('pay')).toHaveCount(0);
});

test('7: an expired token signs the shopper out and asks to sign in again, coming back to the page', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'tok');
  await page.evaluate((t) => sessionStorage.setItem('storefront.token', t), token(customer, false, -120));
  await page.goto(`${env.web}/#/cart`);
  await page.reload();
  await expect(page.getByTestId('session-ended')).toContainText('Your session has ended.');
  await expect(page.locator('#who')).not.toContainText('Signed in');
  await expect(page.locator('#who')).toContainText('Sign in');
  await expect(page.getByTestId('sign-in-again')).toHaveAttribute('href', `#/signin?next=${encodeURIComponent('#/cart')}`);
  await expectAccessible(page, 'the session-ended prompt');
});

test('8: a wrong quantity gets a message at the field and sends nothing', async ({ page, shop }) => {
  await shop.signIn(page, 'qty');
  const puts: string[] = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.url()); });
  await page.goto(`${env.web}/#/products/SKU-00070`);
  for (const [raw, message] of [['0', 'Enter at least 1.'], ['-1', 'Enter at least 1.'], ['101', 'At most 100 at a time.'], ['', 'Enter a quantity.'], ['2.5', 'Enter a whole number from 1 to 100.']]) {
    await page.fill('input[name=quantity]', raw);
    await page.click('[data-testid=add-to-cart]');
    await expect(page.getByTestId('quantity-error'), `quantity ${JSON.stringify(raw)}`).toHaveText(message);
    await expect(page.locator('input[name=quantity]')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('error')).toHaveCount(0);
  }
  await expectAccessible(page, 'a quantity refused');
  expect(puts).toEqual([]);
  await page.fill('input[name=quantity]', '2');
  await expect(page.getByTestId('quantity-error')).toBeHidden();
});

test('9: "Placing your order…" and "Processing payment…" while under way; names and words on the order', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'bsy');
  await shop.setCart(customer, 'SKU-00090', 2);
  await page.goto(`${env.web}/#/checkout`);
  await page.route('**/api/cart/checkout', async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  await page.click('[data-testid=place-order]');
  await expect(page.getByTestId('place-order')).toHaveText('Placing your order…');
  await expect(page.getByTestId('place-order')).toBeDisabled();
  await page.locator('[data-testid=order-status][data-status=PENDING_PAYMENT]').waitFor();
  await expect(page.getByTestId('order-status')).toHaveText('Awaiting payment');
  await expect(page.locator('main .lines')).toContainText('2 × Everyday item 90');
  await expect(page.locator('main .lines')).not.toContainText('SKU-00090');
  await page.selectOption('select[name=method]', 'tok_slow');
  await page.click('[data-testid=pay]');
  await expect(page.getByTestId('pay')).toHaveText('Processing payment…');
  await page.locator('[data-testid=order-status][data-status=PAID]').waitFor();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  await page.goto(`${env.web}/#/orders`);
  await expect(page.locator('main .orders')).toContainText('Paid');
  await expect(page.locator('main .orders')).not.toContainText('PAID');
});

test('10: fits the phone: no sideways scrolling, tap targets of 44 px, scroll kept on More products and Back', async ({ page, shop }, testInfo) => {
  const customer = await shop.signIn(page, 'mob');
  for (const sku of ['SKU-00100', 'SKU-00101', 'SKU-00102']) await shop.setCart(customer, sku, 1);
  // an order awaiting payment (Pay, the method, Cancel) and so a list of orders
  const placed = await apiCall('POST', '/api/orders', customer, { lines: [{ sku: 'SKU-00103', quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const width = page.viewportSize()!.width;
  for (const hash of ['#/', '#/products/SKU-00100', '#/cart', '#/checkout', `#/orders/${placed.body.id}`, '#/orders']) {
    await page.goto(`${env.web}/${hash}`);
    await page.locator('main h1').waitFor();
    if (hash === '#/orders') await expect(page.locator('main .orders a')).toHaveCount(1);
    if (hash.startsWith('#/orders/')) {
      for (const id of ['pay', 'cancel']) await expect(page.getByTestId(id)).toBeVisible();
      await expect(page.locator('main select[name=method]')).toBeVisible();
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${hash} is wider than the screen`).toBeLessThanOrEqual(width);
    const small = await page.locator('header a, header button, main button, main a.button, main input, main select, main .product a, main table a, main .orders a').evaluateAll(
      (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => [e.textContent?.trim() || e.outerHTML.slice(0, 40), e.getBoundingClientRect().height] as const)
        .filter(([, height]) => height < 44));
    expect(small, `${hash}: tap targets under 44 px`).toEqual([]);
  }
  await page.goto(`${env.web}/#/cart`);
  for (const remove of await page.getByRole('button', { name: /^Remove / }).all()) {
    const box = (await remove.boundingBox())!;
    expect(box.x + box.width, 'a Remove button is cut off').toBeLessThanOrEqual(width);
  }
  expect((await page.locator('header').boundingBox())!.height, 'the header takes too much of the screen').toBeLessThanOrEqual(testInfo.project.name === 'phone' ? 110 : 60);
  // More products appends below, where the shopper is; Back from a product returns there
  await page.goto(`${env.web}/#/`);
  await page.getByTestId('more-products').scrollIntoViewIfNeeded();
  const before = await page.evaluate(() => window.scrollY);
  const count = await page.locator('.product').count();
  await page.click('[data-testid=more-products]');
  await expect(page.locator('.product')).toHaveCount(count * 2);
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThanOrEqual(before - 5);
  await expectAccessible(page, 'the catalog after More products');
  const target = page.locator('.product a').nth(count + 3);
  await target.scrollIntoViewIfNeeded();
  const left = await page.evaluate(() => window.scrollY);
  expect(left, 'the catalog was not scrolled: Back would return to the top anyway').toBeGreaterThan(0);
  await target.click();
  await page.getByTestId('add-to-cart').waitFor();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await page.goBack();
  await expect(page.locator('.product')).toHaveCount(count * 2);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThanOrEqual(left - 5);
});

test('11: screen readers: a title per page, a skip link, the heading focused, results and refusals announced', async ({ page, shop }) => {
  await shop.signIn(page, 'a11y');
  await expect(page).toHaveTitle('Catalog · Shop');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#app')).toBeFocused();
  await page.goto(`${env.web}/#/products/SKU-00110`);
  await expect(page).toHaveTitle('Everyday item 110 · Shop');
  await expect(page.locator('main h1')).toBeFocused();
  await page.click('[data-testid=add-to-cart]');
  await expect(page.getByTestId('announcer')).toHaveText('Added 1 to your cart.');
  await expect(page.getByTestId('added')).toHaveAttribute('role', 'status');
  await page.fill('input[name=quantity]', '0');
  await page.click('[data-testid=add-to-cart]');
  await expect(page.getByTestId('quantity-error')).toHaveAttribute('aria-live', 'assertive');
  await expect(page.locator('input[name=quantity]')).toHaveAttribute('aria-describedby', 'quantity-error');
  await page.goto(`${env.web}/#/cart`);
  await expect(page).toHaveTitle('Your cart · Shop');
  await page.goto(`${env.web}/#/orders`);
  await expect(page).toHaveTitle('Your orders · Shop');
  await page.goto(`${env.web}/#/products/NOPE-404`);
  await expect(page.getByTestId('error')).toHaveAttribute('role', 'alert');
});

test('12: an unknown address says it is not found and leads back; an empty cart says it is empty', async ({ page, shop }) => {
  await shop.signIn(page, 'nf');
  await page.goto(`${env.web}/#/cart`);
  await expect(page.getByTestId('cart-empty')).toHaveText('Your cart is empty.');
  await expect(page.getByTestId('to-checkout')).toHaveCount(0);
  await expectAccessible(page, 'the empty cart');
  await page.goto(`${env.web}/#/nope`);
  await expect(page).toHaveTitle('Not found · Shop');
  await expect(page.locator('main h1')).toHaveText('Not found');
  await expect(page.locator('main h1')).toBeFocused();
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expectAccessible(page, 'the not-found page');
  await page.locator('main').getByRole('link', { name: 'Back to the catalog' }).click();
  await page.getByRole('heading', { name: 'Catalog' }).waitFor();
});

test('13: an answer that comes after the shopper went to another page leaves that page as it is', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'late');
  await shop.setCart(customer, 'SKU-00130', 1);
  await page.goto(`${env.web}/#/checkout`);
  await page.getByTestId('place-order').waitFor();
  // the checkout is held until the shopper is on the orders page and the cart was emptied elsewhere: its late answer
  // is "cart empty", which the checkout page would show
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await page.route('**/api/cart/checkout', async (route) => {
    if (route.request().method() === 'POST') await held;
    await route.continue();
  });
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/cart/checkout') && r.request().method() === 'POST');
  await page.click('[data-testid=place-order]');
  await expect(page.getByTestId('place-order')).toHaveText('Placing your order…');
  await page.locator('header').getByRole('link', { name: 'Orders' }).click();
  await page.getByRole('heading', { name: 'Your orders' }).waitFor();
  expect((await apiCall('DELETE', '/api/cart/items/SKU-00130', customer)).status).toBeLessThan(300);
  release();
  expect((await answered).status()).toBe(422);
  await sleep(500);
  await expect(page.locator('main h1')).toHaveText('Your orders');
  await expect(page).toHaveTitle('Your orders · Shop');
  await expect(page.getByTestId('cart-empty')).toHaveCount(0);
});

test('14: a purchase limit met with units of earlier orders is said at checkout by the product\'s name', async ({ page, shop }) => {
  const sku = await shop.product({ available: 20, maxPerCustomer: 2, name: 'Festival pass' });
  const customer = await shop.signIn(page, 'held');
  const earlier = await apiCall('POST', '/api/orders', customer, { lines: [{ sku, quantity: 2 }] }, { 'Idempotency-Key': randomUUID() });
  expect(earlier.status, JSON.stringify(earlier.body)).toBe(201);
  await shop.setCart(customer, sku, 1);
  await page.goto(`${env.web}/#/checkout`);
  // (within 3 s of the earlier order the door is shut: counted down, then sent)
  await page.click('[data-testid=place-order]');
  const said = 'At most 2 of Festival pass per customer, and you already have 2 in other orders. Nothing was ordered.';
  await expect(page.getByTestId('checkout-limit')).toContainText(said);
  await expect(page.getByTestId('checkout-limit')).not.toContainText(sku);
  await expect(page.getByTestId('announcer')).toHaveText(said);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expectAccessible(page, 'the checkout refused by a purchase limit');
  expect(pg(`select count(*) from customer_order where customer_id = '${customer}'`)).toBe('1');
});

test('15: an order page left open says by itself that the order expired when its deadline passes', async ({ page, shop }) => {
  const customer = await shop.signIn(page, 'tick');
  const placed = await apiCall('POST', '/api/orders', customer, { lines: [{ sku: 'SKU-00150', quantity: 1 }] }, { 'Idempotency-Key': randomUUID() });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const payments: string[] = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/payment')) payments.push(r.url()); });
  // the page's clock under the test's control (it runs on by itself meanwhile)
  await page.clock.install();
  await page.goto(`${env.web}/#/orders/${placed.body.id}`);
  await page.reload();
  await page.getByTestId('pay').waitFor();
  await expect(page.getByTestId('deadline')).toContainText('Pay before');
  // the deadline (15 minutes away) passes while the page is open, nothing clicked
  const left = Date.parse(placed.body.expiresAt) - await page.evaluate(() => Date.now());
  expect(left).toBeGreaterThan(60_000);
  await page.clock.fastForward(left + 1000);
  await expect(page.getByTestId('order-expired')).toContainText('has expired: nothing was charged');
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'EXPIRED');
  await expect(page.getByTestId('pay')).toHaveCount(0);
  expect(payments, 'a payment was sent').toEqual([]);
});

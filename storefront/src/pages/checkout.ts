// Checkout: the cart's lines and "Place order", sent with the purchase intent's Idempotency-Key (made when the page
// shows the cart, the same in every tab of this browser while it is under way); the outcomes said as such, and
// announced: an order (its page), sold out or only N left (with the product's name and the way back to the cart), a
// purchase limit, a cart emptied by an order placed meanwhile. An answer arriving after the shopper went to another
// page changes nothing on it.
import { ApiProblem, call, formatMoney, type Order } from '../api';
import { announcedNotice, busy, clearStatus, h, notice, showPage, whileBusy } from '../dom';
import { claimCheckoutKey, finishCheckout, markCheckoutSent, pendingCheckout } from '../intents';
import { lineProblem } from '../quantity';
import type { View } from '../router';
import { session } from '../session';
import { failure, productsBySku, requireSignIn } from './common';
import { cartWithProducts, emptyCart, loadCart } from './cart';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends the checkout with its intent's key until it has an answer; a 429/503 waits and retries the same key. */
async function placeOrder(view: View, key: string, out: HTMLElement, showEmpty: () => void, wanted = new Map<string, number>()) {
  const customer = session.customer!;
  markCheckoutSent(customer);
  for (;;) {
    try {
      const order = (await call(() => session.api.POST('/api/cart/checkout', { params: { header: { 'Idempotency-Key': key } } }), busy)).data as Order;
      clearStatus();
      finishCheckout(customer, order.id);
      if (view.current()) location.hash = `#/orders/${order.id}`;
      return;
    } catch (e) {
      clearStatus();
      if (e instanceof ApiProblem && e.slug === 'idempotency-key-in-flight') {
        out.replaceChildren(notice('Your order is still being placed…', 'in-flight'));
        await sleep(1000);
        continue;
      }
      if (e instanceof ApiProblem && e.status < 500 && e.status !== 401) finishCheckout(customer);
      if (e instanceof ApiProblem && e.slug === 'out-of-stock') {
        const skus = Array.isArray(e.body.skus) ? (e.body.skus as string[]) : [];
        // the problem says how many are left of each (shortages): the catalog's own figure may lag a moment behind
        const shortages = Array.isArray(e.body.shortages) ? (e.body.shortages as { sku: string; available: number }[]) : [];
        const leftOf = new Map(shortages.map((s) => [s.sku, s.available]));
        const products = await productsBySku(skus);
        const lines = skus.map((sku) => {
          const name = products.get(sku)?.name ?? sku;
          const left = leftOf.get(sku) ?? 0;
          return left > 0 && left < (wanted.get(sku) ?? Infinity) ? `Only ${left} left of ${name}.` : `Sold out: ${name}.`;
        });
        out.replaceChildren(announcedNotice(`${lines.join(' ')} Nothing was ordered.`, [h('a', { href: '#/cart' }, 'Change your cart')], 'checkout-sold-out'));
      } else if (e instanceof ApiProblem && e.slug === 'purchase-limit') {
        const sku = String(e.body.sku ?? '');
        const name = (await productsBySku([sku])).get(sku)?.name ?? sku;
        out.replaceChildren(announcedNotice(`At most ${e.body.limit} of ${name} per customer, and you already have ${e.body.held} in other orders. Nothing was ordered.`,
          [h('a', { href: '#/cart' }, 'Change your cart')], 'checkout-limit'));
      } else if (e instanceof ApiProblem && e.slug === 'cart-empty') {
        showEmpty();
      } else {
        failure(e, view, out);
      }
      return;
    }
  }
}

export async function checkoutPage(view: View) {
  if (!requireSignIn()) return;
  const customer = session.customer!;
  const out = h('div', { class: 'checkout-result' });
  // only while this page is the one shown: a late answer must not replace a page the shopper went to meanwhile
  const showEmpty = () => {
    if (view.current()) showPage('Checkout', [h('h1', {}, 'Checkout'), ...emptyCart()], false);
  };
  const pending = pendingCheckout(customer);
  if (pending) {
    // sent before a reload (or in another tab) and not answered: resume it with the same key (an empty cart replays
    // the first answer)
    showPage('Checkout', [h('h1', {}, 'Checkout'), notice('Resuming your order…', 'resuming'), out], !view.refresh);
    await placeOrder(view, pending.key, out, showEmpty);
    return;
  }
  const shown = await cartWithProducts(view, 'Checkout');
  if (!shown) return;
  const { cart, items, products } = shown;
  // the purchase intent's key, made now for the contents shown (another tab showing them reads the same one)
  await claimCheckoutKey(customer, items);
  if (!view.current()) return;
  const problems = items.map((i) => products.get(i.sku ?? '') ? lineProblem(i.quantity ?? 0, products.get(i.sku ?? '')!) : null);
  const place = h('button', { type: 'button', 'data-testid': 'place-order' }, `Place order (${formatMoney(cart.total)})`);
  place.onclick = async () => {
    out.replaceChildren();
    try {
      await whileBusy(place, 'Placing your order…', async () => {
        // the cart as it is now: another tab may have ordered it meanwhile
        const now = await loadCart();
        if ((now.items ?? []).length === 0 && !pendingCheckout(customer)) {
          clearStatus();
          showEmpty();
          return;
        }
        await placeOrder(view, await claimCheckoutKey(customer, now.items ?? []), out, showEmpty,
          new Map((now.items ?? []).map((i) => [i.sku ?? '', i.quantity ?? 0])));
      });
    } catch (e) {
      failure(e, view, out);
    }
  };
  const blocked = problems.some((p) => p);
  showPage('Checkout', [h('h1', {}, 'Checkout'),
    h('ul', { class: 'lines' }, ...items.map((i, n) => h('li', {}, `${i.quantity} × ${i.name ?? i.sku} — ${formatMoney(i.lineTotal)}`,
      problems[n] ? h('span', { class: 'line-problem' }, ` ${problems[n]}`) : ''))),
    h('p', { class: 'total' }, `Total ${formatMoney(cart.total)}`),
    blocked ? notice(['Some lines cannot be ordered as they are. ', h('a', { href: '#/cart', 'data-testid': 'fix-cart' }, 'Fix them in your cart')], 'checkout-blocked', 'warn') : place,
    out], !view.refresh);
}

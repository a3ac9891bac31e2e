// The cart: each line with what stands in its way (the per-customer limit, "Only 1 left", sold out) and a way to fix
// it; checkout is offered only when nothing does. An empty cart links to the order this browser placed last.
import { call, type Cart, formatMoney, type Product } from '../api';
import { announce, busy, button, type Child, clearStatus, h, notice, showPage, whileBusy } from '../dom';
import { lastPlacedOrder } from '../intents';
import { lineProblem } from '../quantity';
import type { View } from '../router';
import { session } from '../session';
import { failure, productsBySku, requireSignIn } from './common';

export async function loadCart(): Promise<Cart> {
  return (await call(() => session.api.GET('/api/cart'), busy)).data as Cart;
}

/**
 * The cart with its products, for a page titled `title`; null when the page is no longer current or the cart is
 * empty (then the empty cart is shown under that title).
 */
export async function cartWithProducts(view: View, title: string):
    Promise<{ cart: Cart; items: NonNullable<Cart['items']>; products: Map<string, Product> } | null> {
  const cart = await loadCart();
  const items = cart.items ?? [];
  const products = await productsBySku(items.map((i) => i.sku ?? ''));
  clearStatus();
  if (!view.current()) return null;
  if (items.length === 0) {
    showPage(title, [h('h1', {}, title), ...emptyCart()], !view.refresh);
    return null;
  }
  return { cart, items, products };
}

/** The empty cart: when this browser just placed an order (maybe in another tab), the link to it. */
export function emptyCart(): HTMLElement[] {
  const placed = session.customer ? lastPlacedOrder(session.customer) : null;
  return [placed
    ? notice(['Your cart is empty: your order was placed. ', h('a', { href: `#/orders/${placed}`, 'data-testid': 'placed-order' }, 'See your order')], 'cart-empty')
    : h('p', { 'data-testid': 'cart-empty' }, 'Your cart is empty.'),
  h('a', { href: '#/' }, 'Browse the catalog')];
}

export async function cartPage(view: View, rerender: () => Promise<void>) {
  if (!requireSignIn()) return;
  const shown = await cartWithProducts(view, 'Your cart');
  if (!shown) return;
  const { cart, items, products } = shown;
  const out = h('div');
  const change = (b: HTMLButtonElement, doing: string, done: string, work: () => Promise<unknown>) => async () => {
    try {
      await whileBusy(b, doing, work);
      clearStatus();
      announce(done);
      await rerender();
    } catch (e) {
      failure(e, view, out);
    }
  };
  let blocked = false;
  const rows = items.map((i) => {
    const sku = i.sku ?? '';
    const name = i.name ?? sku;
    const remove = button('Remove', { 'aria-label': `Remove ${name}` });
    remove.onclick = change(remove, 'Removing…', `${name} removed from your cart`,
      () => call(() => session.api.DELETE('/api/cart/items/{sku}', { params: { path: { sku } } }), busy));
    const product = products.get(sku);
    const problem = product ? lineProblem(i.quantity ?? 0, product) : null;
    const fix: Child[] = [];
    if (problem) {
      blocked = true;
      const to = Math.min(product!.maxPerCustomer ?? Infinity, product!.available ?? 0);
      fix.push(h('span', { class: 'line-problem', 'data-testid': 'line-problem' }, `${name}: ${problem}`));
      if (to > 0) {
        const set = button(`Set to ${to}`, { 'data-testid': 'set-quantity' });
        set.onclick = change(set, 'Updating…', `${name}: quantity set to ${to}`,
          () => call(() => session.api.PUT('/api/cart/items/{sku}', { params: { path: { sku } }, body: { quantity: to } }), busy));
        fix.push(' ', set);
      }
    }
    return h('tr', { 'data-sku': sku },
      h('td', { 'data-label': 'Product' }, h('a', { href: `#/products/${encodeURIComponent(sku)}` }, name), ...(fix.length ? [h('div', {}, ...fix)] : [])),
      h('td', { 'data-label': 'Quantity' }, String(i.quantity)),
      h('td', { 'data-label': 'Total' }, formatMoney(i.lineTotal)), h('td', {}, remove));
  });
  showPage('Your cart', [h('h1', {}, 'Your cart'),
    h('table', { class: 'cart' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Product'), h('th', { scope: 'col' }, 'Quantity'),
        h('th', { scope: 'col' }, 'Total'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      h('tbody', {}, ...rows)),
    h('p', { class: 'total' }, `Total ${formatMoney(cart.total)}`),
    blocked ? notice('Fix the lines marked above to check out.', 'cart-blocked', 'warn')
      : h('a', { href: '#/checkout', class: 'button', 'data-testid': 'to-checkout' }, 'Checkout'),
    out], !view.refresh);
}

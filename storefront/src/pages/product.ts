// A product: price, stock ("Only 3 left"), the per-customer limit, and "Add to cart", which adds to what the cart
// already holds, checks the quantity first (field messages, nothing sent when it is wrong) and says the result.
import { call, type Cart, formatMoney, type Product } from '../api';
import { announce, busy, clearStatus, h, notice, showPage, whileBusy } from '../dom';
import { parseQuantity, refuseAddition } from '../quantity';
import type { View } from '../router';
import { session } from '../session';
import { failure, requireSignIn } from './common';
import { stockText } from './catalog';

export async function productPage(view: View, sku: string) {
  // typed as the contract's ProductView, whichever way the document declares this response
  const p = (await call(() => session.api.GET('/api/products/{sku}', { params: { path: { sku } } }), busy)).data as Product;
  clearStatus();
  if (!view.current()) return;
  const soldOut = (p.available ?? 0) <= 0;
  const quantity = h('input', {
    type: 'number', inputmode: 'numeric', min: '1', max: String(Math.min(100, p.maxPerCustomer ?? 100)), step: '1', value: '1',
    name: 'quantity', id: 'quantity', 'aria-describedby': 'quantity-error',
  });
  const fieldError = h('p', { id: 'quantity-error', class: 'field-error', 'data-testid': 'quantity-error', 'aria-live': 'assertive' });
  const add = h('button', { type: 'button', 'data-testid': 'add-to-cart' }, 'Add to cart');
  const result = h('div', { class: 'result' });
  add.disabled = soldOut;
  const invalid = (message: string) => {
    fieldError.textContent = message;
    quantity.setAttribute('aria-invalid', 'true');
    quantity.focus();
  };
  quantity.oninput = () => {
    fieldError.textContent = '';
    quantity.removeAttribute('aria-invalid');
  };
  add.onclick = async () => {
    if (!requireSignIn()) return;
    const parsed = parseQuantity(quantity.value);
    if (!parsed.ok) {
      invalid(parsed.message);
      return;
    }
    result.replaceChildren();
    try {
      await whileBusy(add, 'Adding…', async () => {
        const cart = (await call(() => session.api.GET('/api/cart'), busy)).data as Cart;
        const inCart = (cart.items ?? []).find((i) => i.sku === sku)?.quantity ?? 0;
        const refused = refuseAddition(parsed.value, inCart, p);
        if (refused) {
          clearStatus();
          invalid(refused);
          return;
        }
        const total = inCart + parsed.value;
        await call(() => session.api.PUT('/api/cart/items/{sku}', { params: { path: { sku } }, body: { quantity: total } }), busy);
        clearStatus();
        const text = inCart > 0 ? `Added ${parsed.value}. You now have ${total} in your cart.` : `Added ${parsed.value} to your cart.`;
        result.replaceChildren(notice([text, ' ', h('a', { href: '#/cart' }, 'Go to the cart')], 'added'));
        announce(text);
      });
    } catch (e) {
      failure(e, view, result);
    }
  };
  const limit = p.maxPerCustomer ? h('p', { 'data-testid': 'limit' }, `At most ${p.maxPerCustomer} per customer.`) : '';
  showPage(p.name ?? sku, [h('h1', {}, p.name ?? sku), p.event ? h('span', { class: 'event' }, 'Event') : '',
    h('p', { class: 'price' }, formatMoney(p.price)),
    soldOut ? h('p', { class: 'sold-out', 'data-testid': 'sold-out' }, 'Sold out')
      : h('p', { class: 'stock', 'data-testid': 'stock' }, stockText(p)),
    limit,
    h('div', { class: 'add' }, h('label', { for: 'quantity' }, 'Quantity'), quantity, add),
    fieldError, result, h('p', { class: 'sku' }, `Item number ${sku}`)], !view.refresh);
}

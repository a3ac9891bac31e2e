// The catalog: a page of products; "More products" appends the next page in place. The pages shown are kept for the
// tab, so that Back from a product shows them again, scrolled as they were left.
import { call, formatMoney, type Product } from '../api';
import { announce, busy, button, clearStatus, h, showPage, whileBusy } from '../dom';
import type { View } from '../router';
import { session } from '../session';
import { failure } from './common';

const SLOT = 'storefront.catalog.cursors';

function productCard(p: Product): HTMLElement {
  const stock = (p.available ?? 0) > 0
    ? h('span', { class: 'stock' }, stockText(p))
    : h('span', { class: 'sold-out' }, 'Sold out');
  return h('li', { class: 'product', 'data-sku': p.sku ?? '' },
    h('a', { href: `#/products/${encodeURIComponent(p.sku ?? '')}` }, p.name ?? p.sku ?? ''),
    p.event ? h('span', { class: 'event' }, 'Event') : '',
    h('span', { class: 'price' }, formatMoney(p.price)), stock);
}

export function stockText(p: Product): string {
  const n = p.available ?? 0;
  return n <= 10 ? `Only ${n} left` : `${n} available`;
}

async function page(cursor?: string) {
  return (await call(() => session.api.GET('/api/products', { params: { query: { cursor } } }), busy)).data;
}

export async function catalogPage(view: View) {
  const cursors: string[] = view.back ? JSON.parse(sessionStorage.getItem(SLOT) ?? '[]') : [];
  if (!view.back) sessionStorage.removeItem(SLOT);
  const pages = [await page()];
  for (const cursor of cursors) pages.push(await page(cursor));
  clearStatus();
  if (!view.current()) return;
  const list = h('ul', { class: 'catalog' }, ...pages.flatMap((p) => (p.items ?? []).map(productCard)));
  const more = h('div', { class: 'more' });
  let next = pages[pages.length - 1].nextCursor;
  const showMore = () => {
    if (!next) {
      more.replaceChildren();
      return;
    }
    const b = button('More products', { 'data-testid': 'more-products' });
    b.onclick = async () => {
      try {
        const cursor = next!;
        const data = await whileBusy(b, 'Loading more products…', () => page(cursor));
        clearStatus();
        const cards = (data.items ?? []).map(productCard);
        list.append(...cards);
        sessionStorage.setItem(SLOT, JSON.stringify([...JSON.parse(sessionStorage.getItem(SLOT) ?? '[]'), cursor]));
        next = data.nextCursor;
        showMore();
        cards[0]?.querySelector('a')?.focus({ preventScroll: true });
        announce(`${cards.length} more products`);
      } catch (e) {
        failure(e, view, more);
      }
    };
    more.replaceChildren(b);
  };
  showMore();
  showPage('Catalog', [h('h1', {}, 'Catalog'), list, more], !view.refresh);
}

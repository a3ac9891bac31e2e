// The storefront: loads the runtime configuration, then routes (router.ts) to the pages (pages/), built with the DOM
// helpers (dom.ts) over the generated API client (api.ts).
import './style.css';
import { h, showPage } from './dom';
import { isOrderPlacedEvent } from './intents';
import { catalogPage } from './pages/catalog';
import { cartPage } from './pages/cart';
import { checkoutPage } from './pages/checkout';
import { failure } from './pages/common';
import { orderPage } from './pages/order';
import { ordersPage } from './pages/orders';
import { productPage } from './pages/product';
import { signInPage } from './pages/signin';
import { type Route, startRouter, type View } from './router';
import { loadSession, session } from './session';

async function render(route: Route, view: View) {
  document.querySelector('#app')!.setAttribute('aria-busy', 'true');
  try {
    switch (route.page) {
      case 'catalog': return await catalogPage(view);
      case 'product': return await productPage(view, route.sku);
      case 'cart': return await cartPage(view, () => router.refresh());
      case 'checkout': return await checkoutPage(view);
      case 'order': return await orderPage(view, route.id);
      case 'orders': return await ordersPage(view);
      case 'signin': return signInPage(view, route.next);
      default: return showPage('Not found', [h('h1', {}, 'Not found'), h('a', { href: '#/' }, 'Back to the catalog')], !view.refresh);
    }
  } catch (e) {
    failure(e, view);
  }
}

let router: { refresh: () => Promise<void> };

async function start() {
  // the skip link moves focus to the page's content (its href is no route)
  document.querySelector<HTMLAnchorElement>('.skip-link')!.addEventListener('click', (e) => {
    e.preventDefault();
    document.querySelector<HTMLElement>('#app')!.focus();
  });
  await loadSession();
  router = startRouter(render);
  // another tab placed this customer's order: the cart and checkout pages show it as it is now
  window.addEventListener('storage', (e) => {
    const page = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
    if (session.customer && (page === 'cart' || page === 'checkout') && isOrderPlacedEvent(session.customer, e.key)) void router.refresh();
  });
}

void start().catch((e) => failure(e, { token: 0, current: () => true, refresh: false, back: false }));

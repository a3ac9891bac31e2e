import './style.css';
import { ApiProblem, call, type Cart, type Client, formatMoney, makeClient, type Order, type Payment, type Product, setToken } from './api';
import { checkoutKey, finishCheckout, finishPayment, markCheckoutSent, paymentKey, pendingCheckout } from './intents';

// Runtime configuration, served beside the app (not built into it): runtime/config.json {"apiBase": "..."}; on the
// local run also runtime/demo-customers.json [{"id", "name", "token"}] (bin/run-local writes both; see README).
type RuntimeConfig = { apiBase: string; identityProvider?: { name?: string; signInUrl?: string } };
type DemoCustomer = { id: string; name: string; token: string };

const app = document.querySelector<HTMLDivElement>('#app')!;
const statusBar = document.querySelector<HTMLDivElement>('#status')!;
const who = document.querySelector<HTMLSpanElement>('#who')!;

let api: Client;
let config: RuntimeConfig;
let demoCustomers: DemoCustomer[] = [];
let customer: string | null = sessionStorage.getItem('storefront.customer');
let renderId = 0;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

function show(...nodes: (Node | string)[]) {
  app.replaceChildren(...nodes);
}

/** The service is busy: say so, with the countdown to the next try. */
function busy(seconds: number) {
  if (seconds > 0) {
    statusBar.textContent = `The shop is busy, retrying in ${seconds} s`;
    statusBar.className = 'busy';
    statusBar.dataset.testid = 'busy';
  } else {
    statusBar.textContent = 'Retrying…';
  }
}

function clearStatus() {
  statusBar.textContent = '';
  statusBar.className = '';
}

/** An error: the problem's title, its detail, and the X-Request-Id to quote when reporting it. */
function errorBox(e: unknown): HTMLElement {
  if (e instanceof ApiProblem) {
    return h('div', { class: 'error', 'data-testid': 'error' },
      h('strong', {}, e.title), e.detail ? h('p', {}, e.detail) : '',
      h('p', { class: 'request-id' }, `Request id: ${e.requestId ?? 'none'} (quote it when you contact us)`));
  }
  return h('div', { class: 'error', 'data-testid': 'error' }, h('strong', {}, 'The shop cannot be reached'),
    h('p', {}, String(e)));
}

function notice(text: string, testid: string): HTMLElement {
  return h('div', { class: 'notice', 'data-testid': testid }, text);
}

function requireSignIn(): boolean {
  if (customer) return true;
  location.hash = `#/signin?next=${encodeURIComponent(location.hash)}`;
  return false;
}

function productCard(p: Product): HTMLElement {
  const stock = (p.available ?? 0) > 0
    ? h('span', { class: 'stock' }, `${p.available} available`)
    : h('span', { class: 'sold-out' }, 'Sold out');
  return h('li', { class: 'product', 'data-sku': p.sku ?? '' },
    h('a', { href: `#/products/${p.sku}` }, p.name ?? p.sku ?? ''),
    p.event ? h('span', { class: 'event' }, 'Event') : '',
    h('span', { class: 'price' }, formatMoney(p.price)), stock);
}

async function catalog(cursor?: string) {
  const { data } = await call(() => api.GET('/api/products', { params: { query: { cursor } } }), busy);
  const list = h('ul', { class: 'catalog' }, ...(data.items ?? []).map(productCard));
  const nodes: Node[] = [h('h1', {}, 'Catalog'), list];
  if (data.nextCursor) nodes.push(h('a', { href: `#/?cursor=${encodeURIComponent(data.nextCursor)}`, class: 'more' }, 'More products'));
  show(...nodes);
}

async function productPage(sku: string) {
  // typed as the contract's ProductView, whichever way the document declares this response
  const p = (await call(() => api.GET('/api/products/{sku}', { params: { path: { sku } } }), busy)).data as Product;
  const soldOut = (p.available ?? 0) <= 0;
  const quantity = h('input', { type: 'number', min: '1', max: '100', value: '1', name: 'quantity' }) as HTMLInputElement;
  const add = h('button', { type: 'button', 'data-testid': 'add-to-cart' }, 'Add to cart') as HTMLButtonElement;
  const result = h('div');
  add.disabled = soldOut;
  add.onclick = async () => {
    if (!requireSignIn()) return;
    try {
      await call(() => api.PUT('/api/cart/items/{sku}', {
        params: { path: { sku } }, body: { quantity: Number(quantity.value) },
      }), busy);
      clearStatus();
      result.replaceChildren(notice('Added to your cart.', 'added'), ' ', h('a', { href: '#/cart' }, 'Go to the cart'));
    } catch (e) {
      clearStatus();
      result.replaceChildren(errorBox(e));
    }
  };
  const limit = p.maxPerCustomer ? h('p', {}, `At most ${p.maxPerCustomer} per customer.`)
    : p.event ? h('p', {}, 'Event product: a few units per customer.') : '';
  show(h('h1', {}, p.name ?? sku), p.event ? h('span', { class: 'event' }, 'Event') : '',
    h('p', { class: 'sku' }, sku), h('p', { class: 'price' }, formatMoney(p.price)),
    soldOut ? h('p', { class: 'sold-out', 'data-testid': 'sold-out' }, 'Sold out')
      : h('p', { class: 'stock' }, `${p.available} available`),
    limit, h('label', {}, 'Quantity ', quantity), ' ', add, result);
}

async function loadCart(): Promise<Cart> {
  return (await call(() => api.GET('/api/cart'), busy)).data;
}

async function cartPage() {
  if (!requireSignIn()) return;
  const cart = await loadCart();
  const items = cart.items ?? [];
  if (items.length === 0) {
    show(h('h1', {}, 'Your cart'), h('p', {}, 'Your cart is empty.'), h('a', { href: '#/' }, 'Browse the catalog'));
    return;
  }
  const rows = items.map((i) => {
    const remove = h('button', { type: 'button' }, 'Remove');
    remove.onclick = async () => {
      await call(() => api.DELETE('/api/cart/items/{sku}', { params: { path: { sku: i.sku ?? '' } } }), busy);
      clearStatus();
      await cartPage();
    };
    return h('tr', {}, h('td', {}, i.name ?? i.sku ?? ''), h('td', {}, String(i.quantity)),
      h('td', {}, formatMoney(i.lineTotal)), h('td', {}, remove));
  });
  show(h('h1', {}, 'Your cart'),
    h('table', { class: 'cart' }, h('tr', {}, h('th', {}, 'Product'), h('th', {}, 'Quantity'), h('th', {}, 'Total'), h('th')), ...rows),
    h('p', { class: 'total' }, `Total ${formatMoney(cart.total)}`),
    h('a', { href: '#/checkout', class: 'button', 'data-testid': 'to-checkout' }, 'Checkout'));
}

/** Sends the checkout with its intent's key until it has an answer; a 429/503 waits and retries the same key. */
async function placeOrder(key: string, out: HTMLElement) {
  markCheckoutSent(customer!);
  try {
    const order = (await call(() => api.POST('/api/cart/checkout', { params: { header: { 'Idempotency-Key': key } } }), busy)).data as Order;
    clearStatus();
    finishCheckout(customer!);
    location.hash = `#/orders/${order.id}`;
  } catch (e) {
    clearStatus();
    if (e instanceof ApiProblem && e.slug === 'out-of-stock') {
      finishCheckout(customer!);
      const skus = Array.isArray(e.body.skus) ? (e.body.skus as string[]).join(', ') : '';
      out.replaceChildren(notice(`Sold out${skus ? `: ${skus}` : ''}. Remove it from your cart to order the rest.`, 'checkout-sold-out'));
    } else if (e instanceof ApiProblem && e.slug === 'purchase-limit') {
      finishCheckout(customer!);
      out.replaceChildren(notice(`Purchase limit: at most ${e.body.limit} of ${e.body.sku} per customer, and you already hold ${e.body.held}.`, 'checkout-limit'));
    } else if (e instanceof ApiProblem && e.slug === 'idempotency-key-in-flight') {
      out.replaceChildren(notice('Your order is still being placed…', 'in-flight'));
      setTimeout(() => void placeOrder(key, out), 1000);
    } else {
      if (e instanceof ApiProblem && e.status < 500) finishCheckout(customer!);
      out.replaceChildren(errorBox(e));
    }
  }
}

async function checkoutPage() {
  if (!requireSignIn()) return;
  const out = h('div', { class: 'checkout-result' });
  const pending = pendingCheckout(customer!);
  if (pending) {
    // sent before a reload and not answered: resume it with the same key (an empty cart replays the first answer)
    show(h('h1', {}, 'Checkout'), notice('Resuming your order…', 'resuming'), out);
    await placeOrder(pending.key, out);
    return;
  }
  const cart = await loadCart();
  const items = cart.items ?? [];
  if (items.length === 0) {
    show(h('h1', {}, 'Checkout'), h('p', {}, 'Your cart is empty.'), h('a', { href: '#/' }, 'Browse the catalog'));
    return;
  }
  const place = h('button', { type: 'button', 'data-testid': 'place-order' }, `Place order (${formatMoney(cart.total)})`) as HTMLButtonElement;
  place.onclick = async () => {
    place.disabled = true;
    await placeOrder(checkoutKey(customer!, items), out);
    place.disabled = false;
  };
  show(h('h1', {}, 'Checkout'),
    h('ul', {}, ...items.map((i) => h('li', {}, `${i.quantity} × ${i.name ?? i.sku} — ${formatMoney(i.lineTotal)}`))),
    h('p', { class: 'total' }, `Total ${formatMoney(cart.total)}`), place, out);
}

const SETTLED: Payment['status'][] = ['CAPTURED', 'DECLINED', 'FAILED', 'REVERSED'];

async function orderPage(id: string, mine: number) {
  if (!requireSignIn()) return;
  const { data: order } = await call(() => api.GET('/api/orders/{id}', { params: { path: { id } } }), busy);
  let payment: Payment | null = null;
  try {
    payment = (await call(() => api.GET('/api/orders/{id}/payment', { params: { path: { id } } }), busy)).data;
  } catch (e) {
    if (!(e instanceof ApiProblem && e.status === 404)) throw e;
  }
  if (mine !== renderId) return;
  const out = h('div');
  const nodes: Node[] = [h('h1', {}, 'Your order'), h('p', { class: 'order-id' }, `Order ${order.id}`),
    h('p', {}, 'Status: ', h('strong', { 'data-testid': 'order-status' }, order.status ?? '')),
    h('ul', {}, ...(order.lines ?? []).map((l) => h('li', {}, `${l.quantity} × ${l.sku} — ${formatMoney(l.lineTotal)}`))),
    h('p', { class: 'total' }, `Total ${formatMoney(order.total)}`)];
  if (payment) nodes.push(h('p', {}, 'Payment: ', h('strong', { 'data-testid': 'payment-status' }, payment.status ?? '')));
  if (payment?.refund) nodes.push(refundNotice(payment.refund));
  const open = payment && !SETTLED.includes(payment.status);
  if (open) {
    // the gateway's answer is not known yet: the service settles it by itself; follow it until it does
    nodes.push(notice('Your payment is being confirmed with the bank. This page updates by itself.', 'payment-unknown'));
    setTimeout(() => { if (mine === renderId) void orderPage(id, mine).catch(fail); }, 2000);
  } else if (order.status === 'PENDING_PAYMENT') {
    nodes.push(payForm(order, out));
    if (order.expiresAt) nodes.push(h('p', {}, `Pay before ${new Date(order.expiresAt).toLocaleTimeString()}.`));
  } else if (order.status === 'PAID') {
    nodes.push(notice('Paid. Thank you for your order!', 'paid'));
  }
  nodes.push(out);
  show(...nodes);
}

/** What became of the money: paid back (and when), or on its way back. */
function refundNotice(refund: NonNullable<Payment['refund']>): HTMLElement {
  const why = refund.reason === 'LATE_CHARGE' ? 'The bank charged after the order could no longer take it. ' : '';
  const text = refund.status === 'REFUNDED'
    ? `${why}Refunded ${formatMoney(refund.amount)}${refund.refundedAt ? ` on ${new Date(refund.refundedAt).toLocaleString()}` : ''}.`
    : refund.status === 'FAILED'
      ? `${why}The refund of ${formatMoney(refund.amount)} did not go through yet; our team is on it.`
      : `${why}A refund of ${formatMoney(refund.amount)} is on its way.`;
  return h('p', { 'data-testid': 'payment-refund' }, text);
}

function payForm(order: Order, out: HTMLElement): HTMLElement {
  const method = h('select', { name: 'method' },
    h('option', { value: 'tok_visa' }, 'Visa •••• 4242'), h('option', { value: 'tok_mastercard' }, 'Mastercard •••• 4444')) as HTMLSelectElement;
  const pay = h('button', { type: 'button', 'data-testid': 'pay' }, `Pay ${formatMoney(order.total)}`) as HTMLButtonElement;
  pay.onclick = async () => {
    const id = order.id!;
    pay.disabled = true;
    const key = paymentKey(customer!, id);
    try {
      await call(() => api.POST('/api/orders/{id}/payment', {
        params: { path: { id }, header: { 'Idempotency-Key': key } }, body: { methodToken: method.value },
      }), busy);
      clearStatus();
      finishPayment(customer!, id);
      await orderPage(id, ++renderId);
    } catch (e) {
      clearStatus();
      pay.disabled = false;
      if (e instanceof ApiProblem && (e.slug === 'payment-declined' || e.slug === 'payment-not-accepted')) {
        finishPayment(customer!, id); // the order stays payable, with a new key
        out.replaceChildren(notice(e.slug === 'payment-declined' ? 'Your card was declined. Try another one.'
          : 'This payment method was not accepted. Try another one.', 'payment-declined'));
      } else {
        out.replaceChildren(errorBox(e));
      }
    }
  };
  return h('div', { class: 'pay' }, h('label', {}, 'Pay with ', method), ' ', pay);
}

async function ordersPage() {
  if (!requireSignIn()) return;
  const { data } = await call(() => api.GET('/api/orders'), busy);
  const items = data.items ?? [];
  show(h('h1', {}, 'Your orders'), items.length === 0 ? h('p', {}, 'No orders yet.')
    : h('ul', {}, ...items.map((o) => h('li', {}, h('a', { href: `#/orders/${o.id}` },
      `${new Date(o.createdAt ?? '').toLocaleString()} — ${o.status} — ${formatMoney(o.total)}`)))));
}

function signIn(customerId: string, token: string) {
  customer = customerId;
  sessionStorage.setItem('storefront.customer', customerId);
  sessionStorage.setItem('storefront.token', token);
  setToken(token);
  updateWho();
}

function signInPage(next: string) {
  const nodes: Node[] = [h('h1', {}, 'Sign in')];
  if (demoCustomers.length > 0) {
    // the local run only: demo customers whose tokens bin/run-local minted with the local-only key
    nodes.push(h('p', {}, 'Local run: pick a demo customer.'), h('ul', { class: 'demo-customers', 'data-testid': 'demo-customers' },
      ...demoCustomers.map((c) => {
        const b = h('button', { type: 'button', 'data-customer': c.id }, c.name);
        b.onclick = () => { signIn(c.id, c.token); location.hash = next || '#/'; };
        return h('li', {}, b);
      })));
  } else {
    const idp = config.identityProvider;
    nodes.push(h('p', { 'data-testid': 'idp-sign-in' },
      idp?.signInUrl ? h('a', { href: idp.signInUrl }, `Sign in with ${idp.name ?? 'the shop account'}`)
        : 'Sign in with your shop account.'));
  }
  show(...nodes);
}

function updateWho() {
  if (customer) {
    const out = h('button', { type: 'button', class: 'link' }, 'Sign out');
    out.onclick = () => {
      customer = null;
      sessionStorage.removeItem('storefront.customer');
      sessionStorage.removeItem('storefront.token');
      setToken(null);
      updateWho();
      location.hash = '#/';
    };
    who.replaceChildren(`Signed in as ${customer} `, out);
  } else {
    who.replaceChildren(h('a', { href: '#/signin' }, 'Sign in'));
  }
}

function fail(e: unknown) {
  clearStatus();
  app.replaceChildren(errorBox(e));
}

async function route() {
  const mine = ++renderId;
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = (path || '/').split('/').filter(Boolean);
  try {
    if (parts.length === 0) await catalog(params.get('cursor') ?? undefined);
    else if (parts[0] === 'products' && parts[1]) await productPage(decodeURIComponent(parts[1]));
    else if (parts[0] === 'cart') await cartPage();
    else if (parts[0] === 'checkout') await checkoutPage();
    else if (parts[0] === 'orders' && parts[1]) await orderPage(parts[1], mine);
    else if (parts[0] === 'orders') await ordersPage();
    else if (parts[0] === 'signin') signInPage(params.get('next') ?? '#/');
    else show(h('h1', {}, 'Not found'), h('a', { href: '#/' }, 'Back to the catalog'));
  } catch (e) {
    fail(e);
  }
}

async function start() {
  config = await (await fetch('runtime/config.json', { cache: 'no-store' })).json();
  const demo = await fetch('runtime/demo-customers.json', { cache: 'no-store' }).catch(() => null);
  if (demo?.ok) demoCustomers = await demo.json();
  api = makeClient(config.apiBase);
  setToken(sessionStorage.getItem('storefront.token'));
  updateWho();
  window.addEventListener('hashchange', () => void route());
  await route();
}

void start().catch(fail);

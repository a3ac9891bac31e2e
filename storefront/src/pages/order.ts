// An order: its lines by name, its status in words, the payment (what was charged, and when; what was paid back),
// Pay while it can be paid (its deadline said, and the page changing by itself when it passes), Cancel (a paid order
// is refunded), and a payment whose outcome is not known yet followed until it settles.
import { ApiProblem, call, formatMoney, type Order, type Payment } from '../api';
import { announce, announcedNotice, busy, button, clearStatus, h, notice, showPage, whileBusy } from '../dom';
import { finishPayment, paymentKey } from '../intents';
import { effectiveStatus, orderStatusLabel, paymentStatusLabel } from '../labels';
import type { View } from '../router';
import { session } from '../session';
import { failure, productsBySku, requireSignIn } from './common';

const SETTLED: Payment['status'][] = ['CAPTURED', 'DECLINED', 'FAILED', 'REVERSED'];
const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '');

/** What became of the money: paid back (and when), or on its way back. */
function refundNotice(refund: NonNullable<Payment['refund']>): HTMLElement {
  const why = refund.reason === 'LATE_CHARGE' ? 'The bank charged after the order could no longer take it. ' : '';
  const text = refund.status === 'REFUNDED'
    ? `${why}Refunded ${formatMoney(refund.amount)}${refund.refundedAt ? ` on ${when(refund.refundedAt)}` : ''}.`
    : refund.status === 'FAILED'
      ? `${why}The refund of ${formatMoney(refund.amount)} was refused by the bank; our team is following it up.`
      : `${why}A refund of ${formatMoney(refund.amount)} is on its way.`;
  return h('p', { 'data-testid': 'payment-refund' }, text);
}

/** The payment in words: "Charged ₩29,000 on …", with its refund when there is one. */
function paymentLine(payment: Payment): HTMLElement {
  const at = payment.status === 'CAPTURED' ? ` on ${when(payment.updatedAt ?? payment.createdAt)}` : '';
  return h('p', {}, 'Payment: ', h('strong', { 'data-testid': 'payment-status', 'data-status': payment.status ?? '' },
    `${paymentStatusLabel(payment.status)} ${formatMoney(payment.amount)}${at}`));
}

export async function orderPage(view: View, id: string, message?: HTMLElement) {
  if (!requireSignIn()) return;
  const { data: order } = await call(() => session.api.GET('/api/orders/{id}', { params: { path: { id } } }), busy);
  let payment: Payment | null = null;
  try {
    payment = (await call(() => session.api.GET('/api/orders/{id}/payment', { params: { path: { id } } }), busy)).data;
  } catch (e) {
    if (!(e instanceof ApiProblem && e.status === 404)) throw e;
  }
  const products = await productsBySku((order.lines ?? []).map((l) => l.sku ?? ''));
  clearStatus();
  if (!view.current()) return;
  const again = (msg?: HTMLElement) => orderPage({ ...view, refresh: true }, id, msg).catch((e) => failure(e, view));
  const status = effectiveStatus(order.status, order.expiresAt);
  const out = h('div');
  const nodes: Node[] = [h('h1', {}, 'Your order'), h('p', { class: 'order-id' }, `Order ${order.id}`),
    h('p', {}, 'Status: ', h('strong', { 'data-testid': 'order-status', 'data-status': status ?? '' }, orderStatusLabel(status))),
    h('ul', { class: 'lines' }, ...(order.lines ?? []).map((l) => h('li', {},
      `${l.quantity} × ${products.get(l.sku ?? '')?.name ?? l.sku} — ${formatMoney(l.lineTotal)}`))),
    h('p', { class: 'total' }, `Total ${formatMoney(order.total)}`)];
  if (message) nodes.push(message);
  if (payment) nodes.push(paymentLine(payment));
  if (payment?.refund) nodes.push(refundNotice(payment.refund));
  // charged while the order still reads as awaiting payment (it is being marked paid): follow it as well
  const open = payment && (!SETTLED.includes(payment.status) || (payment.status === 'CAPTURED' && order.status === 'PENDING_PAYMENT'));
  if (open) {
    // the gateway's answer is not known yet: the service settles it by itself; follow it until it does
    nodes.push(notice('Your payment is being confirmed with the bank. This page updates by itself.', 'payment-unknown'));
    setTimeout(() => { if (view.current()) void again(); }, 2000);
  } else if (status === 'EXPIRED') {
    nodes.push(notice([`This order was not paid by ${new Date(order.expiresAt ?? '').toLocaleTimeString()} and has expired: nothing was charged and its items were released. `,
      h('a', { href: '#/' }, 'Back to the catalog')], 'order-expired', 'warn'));
  } else if (status === 'PENDING_PAYMENT') {
    nodes.push(payForm(view, order, out, again));
    if (order.expiresAt) {
      nodes.push(h('p', { 'data-testid': 'deadline' }, `Pay before ${new Date(order.expiresAt).toLocaleTimeString()}, or the order expires.`));
      // the deadline passes while the page is open: it says so by itself
      const left = Date.parse(order.expiresAt) - Date.now();
      if (left < 2 ** 31) setTimeout(() => { if (view.current()) void again(); }, Math.max(0, left) + 500);
    }
  } else if (status === 'PAID') {
    nodes.push(notice('Paid. Thank you for your order!', 'paid'));
  }
  if (!open && (status === 'PENDING_PAYMENT' || status === 'PAID')) nodes.push(cancelForm(order, status, out, again));
  nodes.push(out);
  showPage(`Order: ${orderStatusLabel(status)}`, nodes, !view.refresh);
}

function payForm(view: View, order: Order, out: HTMLElement, again: (msg?: HTMLElement) => Promise<void>): HTMLElement {
  const method = h('select', { name: 'method', id: 'method' },
    h('option', { value: 'tok_visa' }, 'Visa •••• 4242'), h('option', { value: 'tok_mastercard' }, 'Mastercard •••• 4444'),
    h('option', { value: 'tok_slow' }, 'Bank card •••• 1881'));
  const pay = button(`Pay ${formatMoney(order.total)}`, { 'data-testid': 'pay' });
  pay.onclick = async () => {
    const id = order.id!;
    const customer = session.customer!;
    const key = paymentKey(customer, id);
    out.replaceChildren();
    try {
      await whileBusy(pay, 'Processing payment…', () => call(() => session.api.POST('/api/orders/{id}/payment', {
        params: { path: { id }, header: { 'Idempotency-Key': key } }, body: { methodToken: method.value },
      }), busy));
      clearStatus();
      finishPayment(customer, id);
      announce('Payment sent');
      await again();
    } catch (e) {
      clearStatus();
      if (e instanceof ApiProblem && (e.slug === 'payment-declined' || e.slug === 'payment-not-accepted')) {
        finishPayment(customer, id); // the order stays payable, with a new key
        out.replaceChildren(announcedNotice(e.slug === 'payment-declined' ? 'Your card was declined. Try another one.'
          : 'This payment method was not accepted. Try another one.', [], 'payment-declined'));
      } else if (e instanceof ApiProblem && (e.slug === 'payment-window-closed' || e.slug === 'order-state-conflict')) {
        // the order moved on (expired, cancelled, paid in another tab): show it as it is now, and why
        finishPayment(customer, id);
        await again(announcedNotice('This order can no longer be paid: it changed meanwhile. Here it is as it is now.', [], 'order-changed'));
      } else {
        failure(e, view, out);
      }
    }
  };
  return h('div', { class: 'pay' }, h('label', { for: 'method' }, 'Pay with'), method, pay);
}

function cancelForm(order: Order, status: string, out: HTMLElement, again: (msg?: HTMLElement) => Promise<void>): HTMLElement {
  const paid = status === 'PAID';
  const box = h('div', { class: 'cancel' });
  const ask = button(paid ? 'Cancel and refund' : 'Cancel order', { class: 'secondary', 'data-testid': 'cancel' });
  ask.onclick = () => {
    const yes = button(paid ? `Yes, cancel and refund ${formatMoney(order.total)}` : 'Yes, cancel the order', { class: 'danger', 'data-testid': 'confirm-cancel' });
    const no = button('Keep the order', { class: 'secondary' });
    no.onclick = () => {
      box.replaceChildren(ask);
      ask.focus();
    };
    yes.onclick = async () => {
      try {
        await whileBusy(yes, 'Cancelling…', () => call(() => session.api.POST('/api/orders/{id}/cancel', { params: { path: { id: order.id! } } }), busy));
        clearStatus();
        announce('Order cancelled');
        await again(notice(paid ? 'Cancelled. Your money is being paid back.' : 'Cancelled. Nothing was charged.', 'cancelled'));
      } catch (e) {
        clearStatus();
        out.replaceChildren();
        await again(e instanceof ApiProblem && e.status === 409 ? announcedNotice('This order could not be cancelled: it changed meanwhile.', [], 'order-changed') : undefined);
      }
    };
    box.replaceChildren(h('p', {}, paid ? 'Cancel this order and get your money back?' : 'Cancel this order?'), yes, ' ', no);
    yes.focus();
  };
  box.append(ask);
  return box;
}

// The customer's orders, newest first, their statuses in words.
import { call, formatMoney } from '../api';
import { busy, clearStatus, h, showPage } from '../dom';
import { effectiveStatus, orderStatusLabel } from '../labels';
import type { View } from '../router';
import { session } from '../session';
import { requireSignIn } from './common';

export async function ordersPage(view: View) {
  if (!requireSignIn()) return;
  const { data } = await call(() => session.api.GET('/api/orders'), busy);
  clearStatus();
  if (!view.current()) return;
  const items = data.items ?? [];
  showPage('Your orders', [h('h1', {}, 'Your orders'), items.length === 0 ? h('p', {}, 'No orders yet.')
    : h('ul', { class: 'orders' }, ...items.map((o) => h('li', {}, h('a', { href: `#/orders/${o.id}` },
      `${new Date(o.createdAt ?? '').toLocaleString()} — ${orderStatusLabel(effectiveStatus(o.status, o.expiresAt))} — ${formatMoney(o.total)}`))))], !view.refresh);
}

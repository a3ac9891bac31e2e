// What the pages share: the sign-in gate, failures (an ended session asks to sign in again), products by SKU.
import { ApiProblem, call, type Product } from '../api';
import { busy, clearStatus, errorBox, h, showPage } from '../dom';
import type { View } from '../router';
import { session, signInHref, signOut } from '../session';

export function requireSignIn(): boolean {
  if (session.customer) return true;
  location.hash = signInHref();
  return false;
}

/** The API no longer takes the token: signed out, and a prompt to sign in again that comes back here. */
export function sessionEnded(): HTMLElement {
  signOut();
  return h('div', { class: 'error', role: 'alert', 'data-testid': 'session-ended' },
    h('strong', {}, 'Your session has ended.'), ' ',
    h('a', { href: signInHref(), 'data-testid': 'sign-in-again' }, 'Sign in again'), ' to continue where you were.');
}

/** A failure shown in place of a part of the page (`out`), or of the whole page when `out` is not given. */
export function failure(e: unknown, view: View, out?: HTMLElement) {
  clearStatus();
  if (!view.current()) return;
  const box = e instanceof ApiProblem && e.status === 401 ? sessionEnded() : errorBox(e);
  if (out) out.replaceChildren(box);
  else showPage(e instanceof ApiProblem && e.status === 401 ? 'Sign in again' : 'Something went wrong', [box], !view.refresh);
}

/** The products of these SKUs, those that exist; fetched at once. */
export async function productsBySku(skus: string[]): Promise<Map<string, Product>> {
  const found = await Promise.all([...new Set(skus)].map((sku) => call(() => session.api.GET('/api/products/{sku}', { params: { path: { sku } } }), busy)
    .then(({ data }) => data as Product).catch(() => null)));
  return new Map(found.filter((p): p is Product => !!p?.sku).map((p) => [p.sku!, p]));
}

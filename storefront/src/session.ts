// Who is signed in (sessionStorage: this tab only), the runtime configuration and the API client.
// Runtime configuration, served beside the app (not built into it): runtime/config.json {"apiBase": "..."}; on the
// local run also runtime/demo-customers.json [{"id", "name", "token"}] (bin/run-local writes both; see docs/storefront.md).
import { type Client, makeClient, setToken } from './api';
import { button, h } from './dom';

export type RuntimeConfig = { apiBase: string; identityProvider?: { name?: string; signInUrl?: string } };
export type DemoCustomer = { id: string; name: string; token: string };

export const session = {
  api: undefined as unknown as Client,
  config: undefined as unknown as RuntimeConfig,
  demoCustomers: [] as DemoCustomer[],
  customer: sessionStorage.getItem('storefront.customer') as string | null,
};

export async function loadSession() {
  session.config = await (await fetch('runtime/config.json', { cache: 'no-store' })).json();
  const demo = await fetch('runtime/demo-customers.json', { cache: 'no-store' }).catch(() => null);
  if (demo?.ok) session.demoCustomers = await demo.json();
  session.api = makeClient(session.config.apiBase);
  setToken(sessionStorage.getItem('storefront.token'));
  updateWho();
}

export function signIn(customerId: string, token: string) {
  session.customer = customerId;
  sessionStorage.setItem('storefront.customer', customerId);
  sessionStorage.setItem('storefront.token', token);
  setToken(token);
  updateWho();
}

/** Signed out, by the shopper or because the API no longer takes the token (expired, revoked). */
export function signOut() {
  session.customer = null;
  sessionStorage.removeItem('storefront.customer');
  sessionStorage.removeItem('storefront.token');
  setToken(null);
  updateWho();
}

export function signInHref(next = location.hash): string {
  return `#/signin?next=${encodeURIComponent(next || '#/')}`;
}

export function updateWho() {
  const who = document.querySelector<HTMLElement>('#who')!;
  if (session.customer) {
    const out = button('Sign out', { class: 'link' });
    out.onclick = () => {
      signOut();
      location.hash = '#/';
    };
    who.replaceChildren(h('span', { class: 'who-name' }, `Signed in as ${session.customer}`), ' ', out);
  } else {
    who.replaceChildren(h('a', { href: signInHref() }, 'Sign in'));
  }
}

// Sign-in: the local run's demo customers, or the link to the shop's identity provider.
import { button, h, showPage } from '../dom';
import type { View } from '../router';
import { session, signIn } from '../session';

export function signInPage(view: View, next: string) {
  const nodes: Node[] = [h('h1', {}, 'Sign in')];
  if (session.demoCustomers.length > 0) {
    // the local run only: demo customers whose tokens bin/run-local minted with the local-only key
    nodes.push(h('p', {}, 'Local run: pick a demo customer.'), h('ul', { class: 'demo-customers', 'data-testid': 'demo-customers' },
      ...session.demoCustomers.map((c) => {
        const b = button(c.name, { 'data-customer': c.id });
        b.onclick = () => {
          signIn(c.id, c.token);
          location.hash = next;
        };
        return h('li', {}, b);
      })));
  } else {
    const idp = session.config.identityProvider;
    nodes.push(h('p', { 'data-testid': 'idp-sign-in' },
      idp?.signInUrl ? h('a', { href: idp.signInUrl }, `Sign in with ${idp.name ?? 'the shop account'}`)
        : 'Sign in with your shop account.'));
  }
  showPage('Sign in', nodes, !view.refresh);
}

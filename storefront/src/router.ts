// Hash routes, and one rendering at a time: every navigation gets a token, and a page whose answers arrive after a
// newer navigation (a stale response) shows nothing. Scroll positions are kept per route: a link followed starts at
// the top, Back and Forward return to where the page was left.
export type Route =
  | { page: 'catalog' }
  | { page: 'product'; sku: string }
  | { page: 'cart' }
  | { page: 'checkout' }
  | { page: 'order'; id: string }
  | { page: 'orders' }
  | { page: 'signin'; next: string }
  | { page: 'not-found' };

export function parseRoute(hash: string): Route {
  const [path, query] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query ?? '');
  const parts = (path || '/').split('/').filter(Boolean);
  if (parts.length === 0) return { page: 'catalog' };
  if (parts[0] === 'products' && parts[1] && parts.length === 2) return { page: 'product', sku: decodeURIComponent(parts[1]) };
  if (parts[0] === 'cart' && parts.length === 1) return { page: 'cart' };
  if (parts[0] === 'checkout' && parts.length === 1) return { page: 'checkout' };
  if (parts[0] === 'orders' && parts[1] && parts.length === 2) return { page: 'order', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'orders' && parts.length === 1) return { page: 'orders' };
  if (parts[0] === 'signin' && parts.length === 1) {
    const next = params.get('next') ?? '#/';
    return { page: 'signin', next: next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/' };
  }
  return { page: 'not-found' };
}

/** One rendering: `current()` is false once a newer navigation began; `show` shows only when current. */
/** `back`: Back or Forward to a page seen before (it is shown as it was left); `refresh`: the same page again. */
export type View = { readonly token: number; current(): boolean; refresh: boolean; back: boolean };

let latest = 0;
const scrolls = new Map<string, number>();
let followedLink = false;
let lastHash = '';

export function beginView(refresh = false, back = false): View {
  const token = ++latest;
  return { token, current: () => token === latest, refresh, back };
}

/** Starts routing: `render` is called for the first page and on every navigation. */
export function startRouter(render: (route: Route, view: View) => Promise<void>) {
  history.scrollRestoration = 'manual';
  lastHash = location.hash;
  // a link followed (not Back or Forward): the next page starts at the top
  document.addEventListener('click', (e) => {
    const link = (e.target as Element | null)?.closest?.('a[href^="#"]');
    if (link) followedLink = true;
  });
  const go = async (refresh: boolean) => {
    const hash = location.hash;
    const restore = !followedLink && !refresh ? scrolls.get(hash) : undefined;
    followedLink = false;
    await render(parseRoute(hash), beginView(refresh, restore !== undefined));
    if (location.hash !== hash) return;
    if (!refresh) window.scrollTo(0, restore ?? 0);
  };
  window.addEventListener('hashchange', () => {
    scrolls.set(lastHash, window.scrollY);
    lastHash = location.hash;
    void go(false);
  });
  void go(false);
  return { refresh: () => go(true) };
}

import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Locks } from '../src/intents';
import { cartFingerprint, checkoutKey, claimCheckoutKey, finishCheckout, finishPayment, isOrderPlacedEvent, lastPlacedOrder, markCheckoutSent, paymentKey, pendingCheckout } from '../src/intents';

/** localStorage as one browser's tabs share it. */
function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() { return data.size; },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => { data.delete(k); },
    setItem: (k, v) => { data.set(k, String(v)); },
  };
}

beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));

describe('checkout keys', () => {
  const cart = [{ sku: 'SKU-1', quantity: 2 }, { sku: 'EVENT-3', quantity: 1 }];

  it('fingerprints a cart whatever the order of its lines', () => {
    expect(cartFingerprint(cart)).toBe(cartFingerprint([...cart].reverse()));
    expect(cartFingerprint(cart)).not.toBe(cartFingerprint([{ sku: 'SKU-1', quantity: 3 }, { sku: 'EVENT-3', quantity: 1 }]));
  });

  it('gives the same key for the same cart (a retry, a second tab) and a new one when the cart changes', () => {
    const first = checkoutKey('alice', cart);
    expect(checkoutKey('alice', [...cart].reverse())).toBe(first);
    expect(checkoutKey('alice', [{ sku: 'SKU-1', quantity: 1 }])).not.toBe(first);
  });

  it('keeps the key of a checkout sent and not answered, whatever the cart holds now', () => {
    const key = checkoutKey('alice', cart);
    markCheckoutSent('alice');
    expect(pendingCheckout('alice')?.key).toBe(key);
    expect(checkoutKey('alice', [])).toBe(key);
  });

  it('starts a new intent once the checkout is answered, and remembers the order placed', () => {
    const key = checkoutKey('alice', cart);
    markCheckoutSent('alice');
    finishCheckout('alice', 'order-1');
    expect(pendingCheckout('alice')).toBeNull();
    expect(checkoutKey('alice', cart)).not.toBe(key);
    expect(lastPlacedOrder('alice')).toBe('order-1');
    expect(lastPlacedOrder('alice', 1000, Date.now() + 5000)).toBeNull();
    expect(lastPlacedOrder('bob')).toBeNull();
  });

  it('keeps customers apart', () => {
    expect(checkoutKey('alice', cart)).not.toBe(checkoutKey('bob', cart));
  });

  it('knows which storage events say a customer placed an order', () => {
    expect(isOrderPlacedEvent('alice', 'storefront.checkout.alice')).toBe(false);
    expect(isOrderPlacedEvent('alice', 'storefront.placed.alice')).toBe(true);
    expect(isOrderPlacedEvent('alice', 'storefront.placed.bob')).toBe(false);
    expect(isOrderPlacedEvent('alice', null)).toBe(false);
  });

  it('survives a corrupt slot', () => {
    localStorage.setItem('storefront.checkout.alice', '{not json');
    expect(pendingCheckout('alice')).toBeNull();
    expect(checkoutKey('alice', cart)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** Web Locks as the browser gives them to all its tabs: one holder per name, the others waiting in turn. */
function exclusiveLocks() {
  const queues = new Map<string, Promise<unknown>>();
  const names: string[] = [];
  const locks: Locks = {
    request(name, callback) {
      names.push(name);
      const granted = (queues.get(name) ?? Promise.resolve()).then(() => callback());
      queues.set(name, granted.catch(() => {}));
      return granted;
    },
  };
  /** Another tab holding the lock: it has read the slot and not written yet, until `release`. */
  const hold = (name: string) => {
    let release!: () => void;
    void locks.request(name, () => new Promise<void>((r) => { release = r; }));
    return { release: () => release() };
  };
  return { locks, names, hold };
}

describe('checkout keys across tabs', () => {
  const cart = [{ sku: 'SKU-1', quantity: 2 }];

  it('makes the key when the checkout shows the cart, and a click on the same cart, in any tab, sends it', async () => {
    const { locks } = exclusiveLocks();
    const shown = await claimCheckoutKey('alice', cart, locks);
    expect(JSON.parse(localStorage.getItem('storefront.checkout.alice')!).key).toBe(shown);
    expect(await claimCheckoutKey('alice', [...cart], locks)).toBe(shown);
  });

  it('reads or makes the key holding the customer\'s lock: a tab that comes while another one makes it reads that key', async () => {
    const { locks, names, hold } = exclusiveLocks();
    // the other tab found the slot empty and is making its key
    const other = hold('storefront.checkout.alice');
    const mine = claimCheckoutKey('alice', cart, locks);
    await new Promise((r) => setTimeout(r, 10));
    expect(localStorage.getItem('storefront.checkout.alice'), 'a second key made while the other tab makes one').toBeNull();
    const theirs = checkoutKey('alice', cart);
    other.release();
    expect(await mine).toBe(theirs);
    expect(names).toEqual(['storefront.checkout.alice', 'storefront.checkout.alice']);
  });

  it('keeps customers\' locks apart, and works without Web Locks', async () => {
    const { locks, hold } = exclusiveLocks();
    hold('storefront.checkout.bob');
    expect(await claimCheckoutKey('alice', cart, locks)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await claimCheckoutKey('carol', cart, undefined)).toBe(checkoutKey('carol', cart));
  });
});

describe('payment keys', () => {
  it('keeps one key per order until the attempt has a final answer', () => {
    const key = paymentKey('alice', 'o1');
    expect(paymentKey('alice', 'o1')).toBe(key);
    expect(paymentKey('alice', 'o2')).not.toBe(key);
    finishPayment('alice', 'o1');
    expect(paymentKey('alice', 'o1')).not.toBe(key);
  });
});

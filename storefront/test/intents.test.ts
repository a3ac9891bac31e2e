import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cartFingerprint, checkoutKey, finishCheckout, finishPayment, isOrderPlacedEvent, lastPlacedOrder, markCheckoutSent, paymentKey, pendingCheckout } from '../src/intents';

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

describe('payment keys', () => {
  it('keeps one key per order until the attempt has a final answer', () => {
    const key = paymentKey('alice', 'o1');
    expect(paymentKey('alice', 'o1')).toBe(key);
    expect(paymentKey('alice', 'o2')).not.toBe(key);
    finishPayment('alice', 'o1');
    expect(paymentKey('alice', 'o1')).not.toBe(key);
  });
});

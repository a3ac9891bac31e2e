import { describe, expect, it } from 'vitest';
import { effectiveStatus, orderStatusLabel, paymentStatusLabel } from '../src/labels';
import { lineProblem, parseQuantity, refuseAddition } from '../src/quantity';
import { beginView, parseRoute } from '../src/router';

describe('quantity', () => {
  it.each(['0', '-1', '101', '', '  ', '2.5', '1e2', 'abc'])('refuses %j with a message', (raw) => {
    const parsed = parseQuantity(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/\w/);
  });
  it.each([['1', 1], ['100', 100], [' 7 ', 7]])('takes %j', (raw, value) => {
    expect(parseQuantity(raw as string)).toEqual({ ok: true, value });
  });
  it('adds to what the cart holds, within the limit and the stock', () => {
    expect(refuseAddition(1, 0, { available: 5, maxPerCustomer: 2 })).toBeNull();
    expect(refuseAddition(1, 2, { available: 5, maxPerCustomer: 2 })).toBe('At most 2 per customer. You already have 2 in your cart.');
    expect(refuseAddition(3, 0, { available: 5, maxPerCustomer: 2 })).toBe('At most 2 per customer.');
    expect(refuseAddition(2, 0, { available: 1 })).toBe('Only 1 left.');
    expect(refuseAddition(1, 0, { available: 0 })).toBe('Sold out.');
    expect(refuseAddition(1, 100, { available: 500 })).toMatch(/At most 100/);
  });
  it('says what is wrong with a cart line', () => {
    expect(lineProblem(3, { available: 10, maxPerCustomer: 2 })).toMatch(/At most 2 per customer/);
    expect(lineProblem(2, { available: 1 })).toMatch(/Only 1 left/);
    expect(lineProblem(1, { available: 0 })).toMatch(/Sold out/);
    expect(lineProblem(2, { available: 2, maxPerCustomer: 2 })).toBeNull();
  });
});

describe('labels', () => {
  it('names statuses in words', () => {
    expect(orderStatusLabel('PENDING_PAYMENT')).toBe('Awaiting payment');
    expect(orderStatusLabel('REFUNDED')).toBe('Cancelled and refunded');
    expect(paymentStatusLabel('CAPTURED')).toBe('Charged');
    expect(orderStatusLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
  it('takes an order past its deadline for expired', () => {
    expect(effectiveStatus('PENDING_PAYMENT', '2020-01-01T00:00:00Z')).toBe('EXPIRED');
    expect(effectiveStatus('PENDING_PAYMENT', new Date(Date.now() + 60_000).toISOString())).toBe('PENDING_PAYMENT');
    expect(effectiveStatus('PAID', '2020-01-01T00:00:00Z')).toBe('PAID');
  });
});

describe('routes', () => {
  it('parses the hash', () => {
    expect(parseRoute('')).toEqual({ page: 'catalog' });
    expect(parseRoute('#/products/SKU-1')).toEqual({ page: 'product', sku: 'SKU-1' });
    expect(parseRoute('#/orders/abc')).toEqual({ page: 'order', id: 'abc' });
    expect(parseRoute('#/signin?next=%23%2Fcart')).toEqual({ page: 'signin', next: '#/cart' });
    expect(parseRoute('#/signin?next=https%3A%2F%2Fevil.example')).toEqual({ page: 'signin', next: '#/' });
    expect(parseRoute('#app')).toEqual({ page: 'not-found' });
  });
});

describe('navigation tokens', () => {
  it('a page is current until a newer navigation begins, and stays stale after it', () => {
    const first = beginView();
    expect(first.current()).toBe(true);
    const second = beginView(false, true);
    expect(second.token).toBeGreaterThan(first.token);
    expect(first.current(), 'an older page\'s late answer would be shown').toBe(false);
    expect(second.current()).toBe(true);
    expect(second.back).toBe(true);
    // a refresh of the same page is a navigation too: the rendering it replaces shows nothing more
    const refresh = beginView(true);
    expect(refresh.refresh).toBe(true);
    expect(second.current()).toBe(false);
    expect(refresh.current()).toBe(true);
    expect(first.current()).toBe(false);
  });
});

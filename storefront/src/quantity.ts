// The quantity a shopper asks for, checked before anything is sent: a whole number from 1 to 100 (the API's bounds),
// within the product's per-customer limit and its stock, counting what the cart already holds.
export const MAX_QUANTITY = 100;

export type Parsed = { ok: true; value: number } | { ok: false; message: string };

export function parseQuantity(raw: string): Parsed {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'Enter a quantity.' };
  if (!/^[+-]?\d+$/.test(text)) return { ok: false, message: `Enter a whole number from 1 to ${MAX_QUANTITY}.` };
  const value = Number(text);
  if (value < 1) return { ok: false, message: 'Enter at least 1.' };
  if (value > MAX_QUANTITY) return { ok: false, message: `At most ${MAX_QUANTITY} at a time.` };
  return { ok: true, value };
}

export type Offer = { available?: number; maxPerCustomer?: number | null };

/** Why adding `adding` to the `inCart` units already in the cart is refused, or null when it is fine. */
export function refuseAddition(adding: number, inCart: number, offer: Offer): string | null {
  const total = inCart + adding;
  const held = inCart > 0 ? ` You already have ${inCart} in your cart.` : '';
  if (offer.maxPerCustomer && total > offer.maxPerCustomer) {
    return `At most ${offer.maxPerCustomer} per customer.${held}`;
  }
  if (offer.available !== undefined && total > offer.available) {
    return offer.available <= 0 ? 'Sold out.' : `Only ${offer.available} left.${held}`;
  }
  if (total > MAX_QUANTITY) return `At most ${MAX_QUANTITY} in the cart.${held}`;
  return null;
}

/** What stands in the way of ordering `quantity` of a product, as the cart says it; null when nothing does. */
export function lineProblem(quantity: number, offer: Offer): string | null {
  if (offer.maxPerCustomer && quantity > offer.maxPerCustomer) return `At most ${offer.maxPerCustomer} per customer: reduce it to ${offer.maxPerCustomer}.`;
  if (offer.available !== undefined && offer.available <= 0) return 'Sold out: remove it to order the rest.';
  if (offer.available !== undefined && quantity > offer.available) return `Only ${offer.available} left: reduce it to ${offer.available}.`;
  return null;
}

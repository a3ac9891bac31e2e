// One Idempotency-Key per purchase intent, kept in localStorage so that a reload or a retry sends the same key.
//  - checkout: the key is tied to the cart's contents (SKU and quantity of each line, whoever the customer is), made
//    when the checkout page shows those contents and read or made while holding the customer's checkout lock, which
//    all tabs of the browser share (Web Locks), so that two tabs never each see an empty slot and make their own; a
//    checkout that was sent and not answered (reload, lost response) stays pending and is resumed with its key;
//  - payment: one key per order until the attempt has a final answer (a decline or a refused method needs a new one).

export type Line = { sku?: string; quantity?: number };

export function cartFingerprint(lines: Line[]): string {
  return lines
    .map((l) => `${l.sku}x${l.quantity}`)
    .sort()
    .join(',');
}

type CheckoutIntent = { customer: string; fingerprint: string; key: string; sent: boolean };

const checkoutSlot = (customer: string) => `storefront.checkout.${customer}`;
const paymentSlot = (customer: string, orderId: string) => `storefront.payment.${customer}.${orderId}`;

function read<T>(slot: string): T | null {
  try {
    const raw = localStorage.getItem(slot);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

/** A checkout sent but not answered: resume it with the same key, whatever the cart holds now. */
export function pendingCheckout(customer: string): CheckoutIntent | null {
  const intent = read<CheckoutIntent>(checkoutSlot(customer));
  return intent?.sent ? intent : null;
}

/** The key for checking out these lines: the stored one when the cart is unchanged, else a new one. */
export function checkoutKey(customer: string, lines: Line[]): string {
  const fingerprint = cartFingerprint(lines);
  const stored = read<CheckoutIntent>(checkoutSlot(customer));
  if (stored && (stored.sent || stored.fingerprint === fingerprint)) return stored.key;
  const intent: CheckoutIntent = { customer, fingerprint, key: crypto.randomUUID(), sent: false };
  localStorage.setItem(checkoutSlot(customer), JSON.stringify(intent));
  return intent.key;
}

/** What the Web Locks API offers that the checkout needs (`navigator.locks`). */
export type Locks = { request<T>(name: string, callback: () => T | Promise<T>): Promise<T> };

const browserLocks = (): Locks | undefined => (globalThis.navigator as { locks?: Locks } | undefined)?.locks;

/**
 * The key for checking out these lines, read or made (`checkoutKey`) while holding this customer's checkout lock:
 * another tab reading or making it at the same moment waits, then reads the same key. Without Web Locks (an old
 * browser), read or made at once.
 */
export async function claimCheckoutKey(customer: string, lines: Line[], locks: Locks | undefined = browserLocks()): Promise<string> {
  if (!locks) return checkoutKey(customer, lines);
  return locks.request(checkoutSlot(customer), () => checkoutKey(customer, lines));
}

export function markCheckoutSent(customer: string) {
  const stored = read<CheckoutIntent>(checkoutSlot(customer));
  if (stored) localStorage.setItem(checkoutSlot(customer), JSON.stringify({ ...stored, sent: true }));
}

/**
 * The checkout has a final answer (an order, sold out, a limit...): the next checkout is a new intent. With an order,
 * it is remembered as the customer's last placed one, so that another tab on the same cart can link to it.
 */
export function finishCheckout(customer: string, orderId?: string) {
  localStorage.removeItem(checkoutSlot(customer));
  if (orderId) localStorage.setItem(placedSlot(customer), JSON.stringify({ orderId, at: Date.now() } satisfies Placed));
}

type Placed = { orderId: string; at: number };
const placedSlot = (customer: string) => `storefront.placed.${customer}`;

/** The order this customer placed last from this browser (any tab) in the last `withinMs`, if any. */
export function lastPlacedOrder(customer: string, withinMs = 30 * 60_000, now = Date.now()): string | null {
  const placed = read<Placed>(placedSlot(customer));
  return placed && now - placed.at <= withinMs ? placed.orderId : null;
}

/** Whether a storage event (another tab) says this customer placed an order. */
export function isOrderPlacedEvent(customer: string, key: string | null): boolean {
  return key === placedSlot(customer);
}

export function paymentKey(customer: string, orderId: string): string {
  const slot = paymentSlot(customer, orderId);
  let key = localStorage.getItem(slot);
  if (!key) {
    key = crypto.randomUUID();
    localStorage.setItem(slot, key);
  }
  return key;
}

export function finishPayment(customer: string, orderId: string) {
  localStorage.removeItem(paymentSlot(customer, orderId));
}

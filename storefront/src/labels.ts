// What shoppers read instead of the API's codes.
export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'CANCELLED' | 'EXPIRED' | 'REFUNDED';
export type PaymentStatus = 'AUTHORIZING' | 'CAPTURED' | 'DECLINED' | 'UNKNOWN' | 'FAILED' | 'REVERSING' | 'REVERSED';

const ORDER: Record<OrderStatus, string> = {
  PENDING_PAYMENT: 'Awaiting payment',
  PAID: 'Paid',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired (not paid in time)',
  REFUNDED: 'Cancelled and refunded',
};

const PAYMENT: Record<PaymentStatus, string> = {
  AUTHORIZING: 'Being authorized',
  CAPTURED: 'Charged',
  DECLINED: 'Declined',
  UNKNOWN: 'Being confirmed with the bank',
  FAILED: 'Failed',
  REVERSING: 'Being paid back',
  REVERSED: 'Paid back',
};

export function orderStatusLabel(status: string | undefined): string {
  return ORDER[status as OrderStatus] ?? status ?? 'Unknown';
}

export function paymentStatusLabel(status: string | undefined): string {
  return PAYMENT[status as PaymentStatus] ?? status ?? 'Unknown';
}

/** An order awaiting payment whose deadline has passed is expired, whether or not the service has swept it yet. */
export function effectiveStatus(status: string | undefined, expiresAt: string | undefined, now = Date.now()): string | undefined {
  if (status === 'PENDING_PAYMENT' && expiresAt && Date.parse(expiresAt) <= now) return 'EXPIRED';
  return status;
}

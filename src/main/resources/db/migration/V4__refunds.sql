-- Cancelling a paid order refunds it through the gateway; the refund id is the gateway's Idempotency-Key.
alter table customer_order drop constraint customer_order_status_check;
alter table customer_order add constraint customer_order_status_check
    check (status in ('PENDING_PAYMENT', 'PAID', 'CANCELLED', 'EXPIRED', 'REFUNDED'));

create table refund (
    id            uuid        primary key,
    payment_id    uuid        not null references payment (id),
    order_id      uuid        not null references customer_order (id),
    amount_minor  bigint      not null check (amount_minor >= 0),
    currency      char(3)     not null,
    status        varchar(16) not null check (status in ('REFUNDING', 'REFUNDED', 'UNKNOWN', 'FAILED')),
    gateway_ref   varchar(128),
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    next_check_at timestamptz
);
-- At most one refund per payment that may still pay back or has paid back.
create unique index refund_one_live_per_payment on refund (payment_id) where status in ('REFUNDING', 'UNKNOWN', 'REFUNDED');
create index refund_unsettled on refund (next_check_at) where status in ('REFUNDING', 'UNKNOWN');

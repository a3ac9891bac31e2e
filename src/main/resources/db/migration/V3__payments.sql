-- Payments. The payment id is also the gateway's Idempotency-Key, so asking again never charges twice.
create table payment (
    id              uuid         primary key,
    order_id        uuid         not null references customer_order (id),
    customer_id     varchar(128) not null,
    idem_key        varchar(255) not null,
    amount_minor    bigint       not null check (amount_minor >= 0),
    currency        char(3)      not null,
    status          varchar(16)  not null
        check (status in ('AUTHORIZING', 'CAPTURED', 'DECLINED', 'UNKNOWN', 'FAILED')),
    gateway_ref     varchar(128),
    created_at      timestamptz  not null,
    updated_at      timestamptz  not null,
    next_check_at   timestamptz
);
-- At most one payment per order that may still charge or has charged.
create unique index payment_one_live_per_order on payment (order_id)
    where status in ('AUTHORIZING', 'UNKNOWN', 'CAPTURED');
-- The reconciliation job's queue.
create index payment_unsettled on payment (next_check_at) where status in ('AUTHORIZING', 'UNKNOWN');

-- An order whose payment outcome is not known yet must not expire (its stock may have been paid for).
alter table customer_order add column payment_in_progress boolean not null default false;

-- A payment's idempotency record is written before the gateway call and completed after it; until then a
-- request with the same key is told 409.
alter table idempotency_key add column completed boolean not null default true;

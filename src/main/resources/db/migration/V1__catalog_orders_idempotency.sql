-- Catalog: price in integer minor units of an ISO 4217 currency; available never goes below zero.
create table product (
    sku         varchar(64)  collate "C" primary key, -- byte order: stable keyset pages
    name        varchar(200) not null,
    price_minor bigint       not null check (price_minor >= 0),
    currency    char(3)      not null,
    available   integer      not null check (available >= 0),
    event       boolean      not null default false,
    updated_at  timestamptz  not null default now()
);

-- Orders; "order" is a reserved word, hence customer_order.
create table customer_order (
    id          uuid         primary key,
    customer_id varchar(128) not null,
    status      varchar(20)  not null check (status in ('PENDING_PAYMENT', 'PAID', 'CANCELLED', 'EXPIRED')),
    total_minor bigint       not null check (total_minor >= 0),
    currency    char(3)      not null,
    created_at  timestamptz  not null,
    expires_at  timestamptz  not null,
    updated_at  timestamptz  not null
);
-- GET /api/orders: the caller's orders newest first, keyset on (created_at, id).
create index customer_order_by_customer on customer_order (customer_id, created_at desc, id desc);
-- The expiry job scans only orders still waiting for payment.
create index customer_order_pending_expiry on customer_order (expires_at) where status = 'PENDING_PAYMENT';

create table order_line (
    order_id         uuid        not null references customer_order (id) on delete cascade,
    line_no          smallint    not null,
    sku              varchar(64) collate "C" not null references product (sku),
    quantity         integer     not null check (quantity between 1 and 100),
    unit_price_minor bigint      not null check (unit_price_minor >= 0),
    primary key (order_id, line_no)
);

-- Idempotency keys, per customer; the stored response is replayed for the same key and body.
create table idempotency_key (
    customer_id     varchar(128) not null,
    idem_key        varchar(255) not null,
    fingerprint     char(64)     not null,
    response_status smallint     not null,
    response_body   text         not null,
    location        text,
    created_at      timestamptz  not null default now(),
    primary key (customer_id, idem_key)
);
create index idempotency_key_created on idempotency_key (created_at);

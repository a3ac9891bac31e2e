-- The transactional outbox: every change of an order writes its event here, in the change's own transaction, so an
-- event exists exactly when the change committed. A relay publishes unpublished rows in position order and sets
-- published_at once the broker confirmed; consumers deduplicate by id and order by (order_id, seq).
alter table customer_order add column event_seq integer not null default 0;

create table order_event (
    id           uuid         primary key,
    position     bigserial    not null unique,
    order_id     uuid         not null,
    seq          integer      not null check (seq > 0),
    type         varchar(64)  not null,
    occurred_at  timestamptz  not null,
    data         jsonb        not null,
    published_at timestamptz,
    unique (order_id, seq)
);
-- The relay's scan: what is left to publish, oldest first.
create index order_event_unpublished on order_event (position) where published_at is null;
-- The purge: published rows past their retention.
create index order_event_published on order_event (published_at) where published_at is not null;

-- The relay's lease: one relay publishes at a time (the one whose lease has not expired), which keeps each order's
-- events in order across replicas; a relay that stops renewing it is replaced once it expires.
create table outbox_lease (
    name       varchar(64)  primary key,
    holder     varchar(128) not null,
    expires_at timestamptz  not null
);

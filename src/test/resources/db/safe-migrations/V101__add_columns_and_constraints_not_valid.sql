-- Safe forms, linted by MigrationLintTests: each statement below takes its lock only for a catalog change.
-- The timeouts: SET LOCAL ends with the transaction Flyway wraps this file in, so the pooled connection Flyway used
-- goes back with the pool's own values (a plain SET would stay on it after the commit).
set local lock_timeout = '1s';
set local statement_timeout = '5s';

-- A nullable column, and a NOT NULL column with a constant default: no rewrite, no scan (PostgreSQL 11+).
alter table payment add column fee_minor bigint;
alter table payment add column fee_currency char(3) not null default 'EUR';
-- A default for new rows only, even a non-constant one: a catalog change.
alter table payment alter column fee_minor set default 0;
alter table payment alter column not_found_final_at set default (now() + interval '10 minutes');

-- A constraint NOT VALID checks new rows from now on without scanning the table; V102 validates the old rows.
alter table payment add constraint payment_fee_minor_check check (fee_minor >= 0) not valid;
alter table payment add constraint payment_fee_minor_not_null check (fee_minor is not null) not valid;
alter table refund add constraint refund_payment_fkey2 foreign key (payment_id) references payment (id) not valid;

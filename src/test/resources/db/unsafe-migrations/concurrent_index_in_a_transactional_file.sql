-- Unsafe: CREATE INDEX CONCURRENTLY cannot run in a transaction; a file with it must hold nothing else and say so
-- with `-- squawk-disable-assume-in-transaction` (ban-concurrent-index-creation-in-transaction).
set lock_timeout = '1s';
set statement_timeout = '30min';
create index concurrently if not exists payment_by_customer on payment (customer_id);

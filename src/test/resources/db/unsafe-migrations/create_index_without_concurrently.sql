-- Unsafe: a plain CREATE INDEX on an existing table blocks its writes for the whole build
-- (require-concurrent-index-creation).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
create index payment_by_customer on payment (customer_id);

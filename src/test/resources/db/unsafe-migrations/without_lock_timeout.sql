-- Unsafe: without lock_timeout the ALTER waits for the ACCESS EXCLUSIVE lock behind any long transaction, and every
-- query on the table queues behind the ALTER meanwhile (require-lock-timeout).
set local statement_timeout = '5s';
alter table customer_order add column note text;

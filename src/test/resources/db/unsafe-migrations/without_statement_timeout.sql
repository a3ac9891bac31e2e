-- Unsafe: nothing bounds how long the statement, and the lock it holds, may last (require-statement-timeout).
set local lock_timeout = '1s';
alter table customer_order add column note text;

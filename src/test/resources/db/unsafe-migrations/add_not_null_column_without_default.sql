-- Unsafe: a NOT NULL column without a default on a table that has rows fails, and old code inserting without it
-- fails too (adding-required-field).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
alter table payment add column fee_minor bigint not null;

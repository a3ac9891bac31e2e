-- squawk-disable-assume-in-transaction
-- CREATE INDEX CONCURRENTLY cannot run in a transaction: Flyway sees it and runs this file without one, statement by
-- statement, so the file holds nothing else (Flyway refuses a file that mixes both kinds) and is linted as such
-- (the comment above). The build takes no lock that blocks writes; it waits for the transactions already running.
-- SET LOCAL would end with its own statement here: the timeouts are set for the session, the index build is given
-- time, and the pool's values (quarkus.datasource.jdbc.new-connection-sql) are put back at the end.
set lock_timeout = '1s';
set statement_timeout = '30min';
-- IF NOT EXISTS lets the file run again; a build that failed leaves an INVALID index of that name, which must be
-- dropped (DROP INDEX CONCURRENTLY) before the file is run again, or it would be kept as it is.
create index concurrently if not exists payment_by_customer on payment (customer_id);
set lock_timeout = '2s';
set statement_timeout = '5s';

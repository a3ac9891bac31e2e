-- V5 made not_found_final_at NOT NULL without a default: a release before V5 does not write the column, so every
-- payment or refund it started while a newer release's migrations were applied (a rolling upgrade, a rollback)
-- failed its insert. The default is the window the application writes (payment.reconciliation.not-found-final-after,
-- 10 minutes by default), so a row written by a release that does not know the column is what a newer one writes.
-- Setting a default rewrites nothing: it takes each table's lock for an instant, and waits for it no longer than
-- lock_timeout (db.SchemaMigrations tries again after a pause).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
alter table payment alter column not_found_final_at set default (now() + interval '10 minutes');
alter table refund alter column not_found_final_at set default (now() + interval '10 minutes');

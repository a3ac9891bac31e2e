-- Unsafe: NOT VALID then VALIDATE in one file is one transaction, so the scan runs while the ACCESS EXCLUSIVE lock of
-- the ADD CONSTRAINT is still held (constraint-missing-not-valid).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
alter table payment add constraint payment_amount_positive check (amount_minor > 0) not valid;
alter table payment validate constraint payment_amount_positive;

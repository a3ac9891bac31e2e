-- Unsafe: the narrower CHECK is validated against every row while ACCESS EXCLUSIVE is held
-- (constraint-missing-not-valid; the safe form adds it NOT VALID and validates it in a later file).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
alter table payment drop constraint payment_status_check;
alter table payment add constraint payment_status_check
    check (status in ('AUTHORIZING', 'CAPTURED', 'DECLINED', 'UNKNOWN', 'FAILED'));

-- VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE only: reads and writes go on. It is a later file
-- than the NOT VALID one (in the same transaction the first lock, ACCESS EXCLUSIVE, would be held during the scan).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
-- (fee_minor was filled on the old rows beforehand, in batches; VALIDATE fails, and rolls back, if one is left.)
alter table payment validate constraint payment_fee_minor_check;
alter table payment validate constraint payment_fee_minor_not_null;
alter table refund validate constraint refund_payment_fkey2;
-- With the validated CHECK (fee_minor is not null), SET NOT NULL needs no scan (PostgreSQL 12+).
alter table payment alter column fee_minor set not null;

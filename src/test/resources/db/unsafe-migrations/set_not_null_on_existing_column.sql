-- Unsafe: SET NOT NULL scans the whole table under ACCESS EXCLUSIVE, no reads or writes meanwhile
-- (adding-not-nullable-field; the safe form validates a CHECK (... is not null) first).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
alter table payment alter column gateway_ref set not null;

-- A migration that needs its table's ACCESS EXCLUSIVE lock, as most ALTER TABLEs do.
set lock_timeout = '300ms';
alter table held add column note text;

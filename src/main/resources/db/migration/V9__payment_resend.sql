-- A payment whose outcome is unknown because the service may never have sent it (it stopped between recording the
-- attempt and the gateway's answer) is sent again under its own idempotency key (its id): the gateway answers the
-- charge it made, or makes it now, once. Sending it again needs the request's payment method token (the
-- storefront's token for the method, never card data) and a count of the times it was sent again. Both are new:
-- the previous release does not write them, so the token is nullable (a payment it started waits out its
-- not-found window as before) and the count has a constant default (a catalog change, no rewrite).
set local lock_timeout = '1s';
set local statement_timeout = '5s';
alter table payment add column method_token varchar(512);
alter table payment add column resends smallint not null default 0;

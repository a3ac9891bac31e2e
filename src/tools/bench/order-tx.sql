-- The transaction POST /api/orders runs for a one-line order (OrderService.place), statement for statement and round
-- trip for round trip, with a fresh idempotency key and order id each time. OrderSqlTwinTests fails when the order
-- path's SQL and this file differ: it places an order through a proxy that records what the service sends, and
-- compares each statement below (but the one marked "twin only") with it, text and parameters.
-- Run with -M prepared so the variables are bound as parameters, as the JDBC driver does, and with
-- -D customers=N -D skus=N. The statements the driver sends in one round trip are one pipeline here.
\set c random(1, :customers)
\set n random(1, :skus)
-- twin only: the values the service makes in memory (key, order id, times, fingerprint, the stored 201 body of the
-- service's size), one round trip the service does not make; pgbench cannot make strings without one.
SELECT gen_random_uuid()::text AS key, gen_random_uuid()::text AS oid, 'bench-' || :c AS cust,
       'bench-' || :c || chr(10) || gen_random_uuid()::text AS lockkey,
       'BENCH-' || lpad(:n::text, 4, '0') AS sku, '{BENCH-' || lpad(:n::text, 4, '0') || '}' AS sku_list,
       'PENDING_PAYMENT' AS status, 2500 AS price, 'EUR' AS currency, '{1}' AS qtys, '{2500}' AS prices,
       now()::text AS created, (now() + interval '15 minutes')::text AS expires, md5(random()::text) || md5(random()::text) AS fp,
       repeat('x', 330) AS body, '/api/orders/' || gen_random_uuid()::text AS location, 201 AS status_code,
       'true' AS completed, '100ms' AS lockwait, 1 AS qty, gen_random_uuid()::text AS eid, 1 AS evseq,
       'shop.order.placed' AS evtype,
       '{"id":"' || gen_random_uuid()::text || '","status":"PENDING_PAYMENT","pad":"' || repeat('x', 280) || '"}'
         AS evdata \gset
\startpipeline
BEGIN;
select pg_try_advisory_xact_lock(hashtextextended(:lockkey, 0));
select fingerprint, response_status, response_body, location, completed
from idempotency_key where customer_id = :cust and idem_key = :key;
select sku, price_minor, currency, max_per_customer, event from product where sku = any(:sku_list);
\endpipeline
\startpipeline
with placed as (
  insert into customer_order (id, customer_id, status, total_minor, currency, created_at, expires_at,
                              updated_at, event_seq)
  values (:oid, :cust, :status, :price, :currency, :created, :expires, :created, :evseq)),
event as (
  insert into order_event (id, order_id, seq, type, occurred_at, data)
  values (:eid, :oid, :evseq, :evtype, :created, :evdata::jsonb))
insert into order_line (order_id, line_no, sku, quantity, unit_price_minor)
select :oid, l.line_no - 1, l.sku, l.quantity, l.unit_price_minor
from unnest(:sku_list::text[], :qtys::int[], :prices::bigint[])
  with ordinality as l(sku, quantity, unit_price_minor, line_no);
insert into idempotency_key
  (customer_id, idem_key, fingerprint, response_status, response_body, location, completed)
values (:cust, :key, :fp, :status_code, :body, :location, :completed);
select set_config('lock_timeout', :lockwait, true);
update product set available = available - :qty where sku = :sku and available >= :qty returning available;
\endpipeline
COMMIT;

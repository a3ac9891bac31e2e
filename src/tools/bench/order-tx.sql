-- The transaction POST /api/orders runs for a one-line order (OrderService.place), statement for statement, with a
-- fresh idempotency key and order id each time. Run with -M prepared so the variables are bound as parameters, as
-- the JDBC driver does, and with -D customers=N -D skus=N.
\set c random(1, :customers)
\set n random(1, :skus)
BEGIN;
-- The service makes the key, order id and SKU on its side; here they come back with the advisory-lock round trip.
SELECT k AS key, o AS oid, c AS cust, s AS sku, md5(k) || md5(o::text) AS fp,
       pg_try_advisory_xact_lock(hashtextextended(c || chr(10) || k, 0)) AS locked
  FROM (SELECT gen_random_uuid()::text AS k, gen_random_uuid() AS o,
               'bench-' || :c AS c, 'BENCH-' || lpad(:n::text, 4, '0') AS s) AS fresh \gset
SELECT fingerprint, response_status, response_body, location
  FROM idempotency_key WHERE customer_id = :cust AND idem_key = :key;
SELECT sku, available, currency, event, name, price_minor, updated_at
  FROM product WHERE sku IN (:sku) \gset p_
INSERT INTO customer_order (id, customer_id, status, total_minor, currency, created_at, expires_at, updated_at)
  VALUES (:oid, :cust, 'PENDING_PAYMENT', :p_price_minor, :p_currency, now(), now() + interval '15 minutes', now());
INSERT INTO order_line (order_id, line_no, sku, quantity, unit_price_minor)
  VALUES (:oid, 0, :sku, 1, :p_price_minor);
-- The stored response has the shape and size of the service's 201 body.
INSERT INTO idempotency_key (customer_id, idem_key, fingerprint, response_status, response_body, location)
  VALUES (:cust, :key, :fp, 201,
          '{"id":"' || :oid || '","customerId":"' || :cust || '","status":"PENDING_PAYMENT","lines":[{"sku":"' || :sku
          || '","quantity":1,"unitPrice":{"amountMinor":' || :p_price_minor || ',"currency":"' || :p_currency
          || '"},"lineTotal":{"amountMinor":' || :p_price_minor || ',"currency":"' || :p_currency
          || '"}}],"total":{"amountMinor":' || :p_price_minor || ',"currency":"' || :p_currency
          || '"},"createdAt":"' || now()::text || '","expiresAt":"'
          || (now() + interval '15 minutes')::text || '"}',
          '/api/orders/' || :oid);
UPDATE product SET available = available - 1 WHERE sku = :sku AND available >= 1;
COMMIT;

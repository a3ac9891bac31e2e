-- Local-run seed data: 1,000 ordinary SKUs and a few event SKUs with small stock. It inserts only where
-- catalog.seed=true (the local run); elsewhere it is a no-op. Existing rows are left alone, so a restart
-- keeps what the local run has sold.
do $seed$
begin
    if '${seed_catalog}' <> 'true' then
        return;
    end if;

    insert into product (sku, name, price_minor, currency, available, event)
    select 'SKU-' || lpad(n::text, 5, '0'),
           'Everyday item ' || n,
           1000 + (n * 37 % 99) * 100,
           'KRW',
           500 + n % 500,
           false
    from generate_series(1, 1000) as n
    on conflict (sku) do nothing;

    insert into product (sku, name, price_minor, currency, available, event)
    values ('EVENT-001', 'Summer sale: wireless earbuds', 29000, 'KRW', 100, true),
           ('EVENT-002', 'Summer sale: robot vacuum', 199000, 'KRW', 20, true),
           ('EVENT-003', 'Summer sale: espresso machine', 89000, 'KRW', 50, true),
           ('EVENT-004', 'Summer sale: smart watch', 149000, 'KRW', 10, true),
           ('EVENT-005', 'Summer sale: air fryer', 59000, 'KRW', 200, true)
    on conflict (sku) do nothing;
end
$seed$;

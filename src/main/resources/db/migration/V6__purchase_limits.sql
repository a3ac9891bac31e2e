-- How many units of a product one customer may hold in live orders (awaiting payment or paid); null: the default
-- rule (catalog.purchase-limit.event-default for event products, no limit otherwise).
alter table product add column max_per_customer integer check (max_per_customer > 0);

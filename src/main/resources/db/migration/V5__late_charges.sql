-- A gateway can act on a charge long after the service gave up waiting for it. A "not found" from the gateway is
-- final only after not_found_final_at; an approved charge that arrives for a payment or an order that can no
-- longer take it is refunded automatically (REVERSING, then REVERSED).
alter table payment drop constraint payment_status_check;
alter table payment add constraint payment_status_check
    check (status in ('AUTHORIZING', 'CAPTURED', 'DECLINED', 'UNKNOWN', 'FAILED', 'REVERSING', 'REVERSED'));
-- How the payment's last state was learnt: the gateway's answer, its webhook, a lookup, the sweep of the gateway's
-- charge list, or the gateway was never asked. Null while the payment is open.
alter table payment add column settled_by varchar(16)
    check (settled_by in ('ANSWER', 'WEBHOOK', 'LOOKUP', 'SWEEP', 'NOT_SENT'));
alter table payment add column not_found_final_at timestamptz;
update payment set not_found_final_at = created_at;
alter table payment alter column not_found_final_at set not null;

-- A refund pays back either a cancelled paid order or a late charge its order could not take. Its id derives
-- from the payment id (one refund per payment, ever), so a repeated refund is the same request to the gateway.
alter table refund add column reason varchar(16) not null default 'CANCEL'
    check (reason in ('CANCEL', 'LATE_CHARGE'));
alter table refund add column not_found_final_at timestamptz;
update refund set not_found_final_at = created_at;
alter table refund alter column not_found_final_at set not null;

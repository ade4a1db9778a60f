-- SLA (issue 6, helper B): soft-deleted policies (running tickets keep their reference and
-- targets) and next responses answered in time (the report's "met" for next_response).
alter table sla_policies add column deleted_at timestamptz(3);
alter table ticket_sla add column next_response_met integer not null default 0;

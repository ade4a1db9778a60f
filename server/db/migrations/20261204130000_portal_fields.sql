-- Customer portal (issue 7): custom fields customers see or fill in, and organizations whose
-- members see each other's requests.
-- customer_visible: shown on the portal (new-request form and request page);
-- customer_editable: customers fill it in when opening a request (implies visible).
alter table ticket_fields
  add column customer_visible boolean not null default false,
  add column customer_editable boolean not null default false,
  add constraint ticket_fields_editable_visible check (not customer_editable or customer_visible);

-- portal_shared: members of the organization see (read) all of its requests on the portal.
alter table organizations add column portal_shared boolean not null default false;

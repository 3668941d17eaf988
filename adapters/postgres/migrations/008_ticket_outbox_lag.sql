-- How long an ITSM has held a ticket update, and whether the change's thread was told
-- (ticket sync's lag notices). Columns of their own rather than a prefix parsed out of last_error.
alter table ticket_outbox
  add column lag_since timestamptz,
  add column lag_told boolean not null default false;

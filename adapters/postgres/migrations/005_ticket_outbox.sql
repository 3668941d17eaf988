-- Ticket sync (DESIGN §6): every change event a ticket must hear, written in the same transaction
-- as the transition (or wave result) it reports. It is never lost, and never sent for a transition
-- that rolled back. A worker sends each ticket's entries strictly in `seq` order, one at a time.

-- One counter per ticket. Appending takes its row lock until commit, so two transactions reporting
-- on one ticket get their numbers in commit order, and a lower number never commits after a higher
-- one that a worker may already be sending.
create table ticket_outbox_seqs (
  ticket_of text primary key references changes (id),
  last_seq  integer not null
);

create table ticket_outbox (
  -- The change whose ticket hears the event: the change itself, or the parent a rollback undoes.
  ticket_of       text not null references changes (id),
  seq             integer not null,
  -- The change the event happened to (a rollback's own id when it reports on its parent's ticket).
  change_id       text not null references changes (id),
  -- Stamped on the note the event writes, so a retried send is recognised and never written twice.
  event_id        text not null unique,
  kind            text not null,
  body            jsonb not null,
  -- pending → sent | failed (the ITSM refused it) | skipped (no ticket to tell, or itsm.kind none)
  state           text not null default 'pending',
  attempts        integer not null default 0,
  next_attempt_at timestamptz,
  -- Held by the worker sending it; an expired lease means the worker died and another may send it.
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz not null,
  finished_at     timestamptz,
  primary key (ticket_of, seq)
);
create index ticket_outbox_pending on ticket_outbox (ticket_of, seq) where state = 'pending';

-- Console sign-in sessions (src/people/sign-in-sessions.ts). The session cookie was only MACed:
-- signing out cleared it in the browser, but a copy taken before kept working for its 12 hours.
-- The cookie now names a session, which sign-out ends here. Only a hash of each id is kept.
create table sign_in_sessions (
  id_hash    text primary key,
  person     text not null,
  started_at timestamptz not null,
  expires_at timestamptz not null,
  ended_at   timestamptz
);
-- Housekeeping removes sessions past their end.
create index sign_in_sessions_expires_at on sign_in_sessions (expires_at);

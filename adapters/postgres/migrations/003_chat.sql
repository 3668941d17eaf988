-- Where each thread's first card landed on each surface (change:CHG-7 → its approval card in
-- Slack, Teams and the console), so a vote on any surface refreshes every copy and later posts
-- about the change go into the same thread, on whichever replica handles them.
create table chat_threads (
  thread_key text not null,
  surface text not null,
  channel text not null,
  message_id text not null,
  posted_at timestamptz not null,
  primary key (thread_key, surface, channel)
);

-- The console's messages. The console is a chat surface whose server is patchbot itself, so its
-- history lives in the store: every replica serves the same channels. `revision` grows on every
-- insert and edit; a live view asks for what changed after the last revision it saw.
create sequence console_revisions;
create table console_messages (
  id bigserial primary key,
  channel text not null,
  thread_of bigint references console_messages (id),
  author text not null,
  text text,
  card jsonb,
  visible_to text,
  posted_at timestamptz not null,
  updated_at timestamptz not null,
  revision bigint not null default nextval('console_revisions')
);
create index console_messages_channel on console_messages (channel, id);
create index console_messages_revision on console_messages (revision);

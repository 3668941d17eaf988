-- Personal access tokens (#13): only a hash of each token is kept, with its owner, expiry and last use.
create table access_tokens (
  id text primary key,
  hash text not null unique,
  owner text not null,
  created_at timestamptz not null,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);

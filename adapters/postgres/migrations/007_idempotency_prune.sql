-- Housekeeping (src/jobs/housekeeping.ts) deletes idempotency keys by age every hour.
create index idempotency_keys_claimed_at on idempotency_keys (claimed_at);

/** Response headers with lower-case names, as Node and axios give them. */
export type HeaderBag = Record<string, unknown>;

const header = (headers: HeaderBag, name: string): string | undefined => {
  const value = headers[name];
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0].trim();
  return undefined;
};

/** A unix timestamp in seconds (ServiceNow) or an ISO-8601 / HTTP date (Jira Cloud), as epoch ms. */
const resetInstant = (text: string): number | null => {
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    // Seconds since the epoch; a value this small would be a delta, which no vendor sends here.
    return n > 1e9 ? n * 1000 : null;
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
};

/**
 * How long the ITSM asked us to wait, in ms, or null when it did not say. `Retry-After` wins (delta
 * seconds or an HTTP date); otherwise the rate-limit reset (`X-RateLimit-Reset`: ServiceNow sends a
 * unix timestamp, Jira Cloud an ISO-8601 instant). Never negative: a reset in the past means "now".
 */
export const retryAfterMs = (headers: HeaderBag, now: Date): number | null => {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined && retryAfter !== '') {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const reset = header(headers, 'x-ratelimit-reset');
  if (reset !== undefined && reset !== '') {
    const at = resetInstant(reset);
    if (at !== null) return Math.max(0, Math.round(at - now.getTime()));
  }
  return null;
};

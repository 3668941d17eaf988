import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The service's local API runs CLI commands for other processes on this machine while the service
 * holds the embedded store. Only loopback peers holding the token from the owner-only lock file
 * get in.
 */
export const bearerMatches = (request: IncomingMessage, token: string): boolean => {
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** Collects a command's output so it can travel back to the CLI that forwarded it. */
export const captureOutput = () => {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
};

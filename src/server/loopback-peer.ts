import type { IncomingMessage } from 'node:http';

/**
 * True when the TCP peer is this machine. Both the service's local API and the console's demo mode
 * answer only such peers, so the check lives with the HTTP server they share.
 */
export const isLoopbackPeer = (request: IncomingMessage): boolean => {
  const address = request.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1';
};

const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

/**
 * True when a proxy relayed the request: a reverse proxy on this machine connects from loopback,
 * so its peer address says nothing about who the client is, but the headers it adds do.
 */
export const relayedByProxy = (request: IncomingMessage): boolean => PROXY_HEADERS.some((name) => request.headers[name] !== undefined);

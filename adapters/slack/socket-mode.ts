import { SocketModeReceiver } from '@slack/bolt';
import type { Logger } from '../../src/shared/logger.ts';
import { boltLogger, webClientOptions } from './web-client.ts';

/**
 * Socket Mode: no public endpoint; the app opens a WebSocket to Slack (`apps.connections.open`
 * with the xapp- token) and receives the same payloads as envelopes, acked over the socket.
 * Bolt's own receiver does the transport; the listeners, ids and dedupe are the HTTP ones.
 */
export const socketModeReceiver = ({ appToken, apiUrl, log }: { appToken: string; apiUrl: string | undefined; log: Logger }): SocketModeReceiver =>
  new SocketModeReceiver({
    appToken,
    logger: boltLogger(log),
    // The WebClient that asks for connection URLs: the same API base (a fake in tests) and logger.
    installerOptions: { clientOptions: webClientOptions({ apiUrl, log }) },
  });

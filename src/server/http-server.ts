import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { PatchbotError } from '../shared/errors.ts';
import { METRICS_CONTENT_TYPE, type MetricsRegistry } from './metrics.ts';
import { DEFAULT_BODY_LIMIT, readBody } from './read-body.ts';
import { createRouter, type HttpHandler, HttpError, type RequestContext, sendJson } from './router.ts';

export interface Readiness {
  ok: boolean;
  checks: Record<string, string>;
}
export interface HttpServerOptions {
  host: string;
  port: number;
  log: Logger;
  readiness: () => Promise<Readiness>;
  metrics: MetricsRegistry;
  /** Default cap for ctx.readBody(); 1 MiB. */
  bodyLimit?: number;
  /** A readiness check slower than this counts as not ready (probes must answer; default 5 s). */
  readinessTimeoutMs?: number;
  /** The whole request (headers and body) must arrive within this; default REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** The headers must arrive within this; default HEADERS_TIMEOUT_MS. */
  headersTimeoutMs?: number;
}

/**
 * What a chat webhook needs: Slack wants its answer within 3 s and Teams within about 10 s, and
 * their bodies are a few KiB, so a request still arriving after 15 s is a client holding a
 * connection open (a slow-body attack), not a webhook. Node's own defaults (300 s for the request,
 * checked every 30 s) let a few hundred such clients hold the server. Only receiving the request is
 * timed: a long answer (the console's event stream) is not cut.
 */
export const REQUEST_TIMEOUT_MS = 15_000;
export const HEADERS_TIMEOUT_MS = 10_000;
export interface HttpServer {
  route(method: string, path: string, handler: HttpHandler): void;
  mount(prefix: string, handler: HttpHandler): void;
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** Stop accepting, let in-flight requests finish for up to drainMs (default 10 s), then cut what is left. */
  close(options?: { drainMs?: number }): Promise<void>;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Short enough to read out over chat, random enough to find one log line. */
export const correlationId = (): string => randomBytes(4).toString('hex');

export const createHttpServer = (options: HttpServerOptions): HttpServer => {
  const { host, port, log, metrics, bodyLimit = DEFAULT_BODY_LIMIT, readinessTimeoutMs = 5_000 } = options;
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, requestTimeout);
  const router = createRouter();
  const requests = metrics.counter('patchbot_http_requests_total', 'HTTP requests answered, by method, route pattern and status.', ['method', 'route', 'status']);
  const durations = metrics.histogram('patchbot_http_request_duration_seconds', 'Time to answer an HTTP request, by method and route pattern.', {
    labelNames: ['method', 'route'],
    buckets: DURATION_BUCKETS,
  });
  // Every open socket and how many requests it is serving: idle keep-alive sockets are what would
  // otherwise hold the process up after close().
  const sockets = new Map<Socket, number>();
  let draining = false;
  let closing: Promise<void> | undefined;

  const readiness = async (): Promise<Readiness> => {
    if (draining) return { ok: false, checks: { server: 'shutting down' } };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Readiness>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, checks: { readiness: `no answer within ${readinessTimeoutMs} ms` } }), readinessTimeoutMs);
    });
    try {
      return await Promise.race([options.readiness(), timeout]);
    } catch (error) {
      // The error may name hosts or URLs: log it, give the probe only an id to look it up by.
      const id = correlationId();
      log.warn({ err: error, correlationId: id }, 'readiness check failed');
      return { ok: false, checks: { readiness: `check failed (correlation id ${id})` } };
    } finally {
      clearTimeout(timer);
    }
  };

  router.route('GET', '/healthz', ({ res }) => sendJson(res, 200, { status: 'ok' }));
  router.route('GET', '/readyz', async ({ res }) => {
    const { ok, checks } = await readiness();
    sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', checks });
  });
  router.route('GET', '/metrics', ({ res }) => {
    const text = metrics.render();
    res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const { socket } = req;
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    if (draining) res.setHeader('connection', 'close');
    const method = METHODS.has(req.method ?? '') ? (req.method as string) : 'OTHER';
    // The base is a placeholder: we route on the path only, never on the client-sent Host header.
    const url = new URL(req.url ?? '/', 'http://patchbot.invalid');
    const match = router.match(req.method ?? 'GET', url.pathname);
    const route = match.kind === 'not-found' ? 'unmatched' : match.route;

    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      requests.inc({ method, route, status });
      durations.observe({ method, route }, ms / 1000);
      log.debug({ method, path: url.pathname, status, ms: Math.round(ms * 10) / 10 }, 'http request');
      const left = (sockets.get(socket) ?? 1) - 1;
      if (sockets.has(socket)) sockets.set(socket, left);
      // Draining: a keep-alive socket whose last request just ended must not wait for another.
      if (draining && left === 0) socket.end();
    });

    try {
      if (match.kind === 'not-found') return sendJson(res, 404, { error: 'not found' });
      if (match.kind === 'method-not-allowed') return sendJson(res, 405, { error: 'method not allowed' }, { allow: match.allow.join(', ') });
      let body: Promise<Buffer> | undefined;
      const ctx: RequestContext = { req, res, url, subpath: match.subpath, log, readBody: ({ limit = bodyLimit } = {}) => (body ??= readBody(req, limit)) };
      await match.handler(ctx);
    } catch (error) {
      if (error instanceof HttpError) {
        if (!res.headersSent) sendJson(res, error.status, { error: error.message }, error.headers);
        else res.destroy();
        return;
      }
      const id = correlationId();
      log.error({ err: error, correlationId: id, method, path: url.pathname }, 'http handler failed');
      // Never the stack or message to the client: it may carry internals. The id finds the log line.
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error', correlationId: id }, { 'x-correlation-id': id });
      else res.destroy(); // headers already out: a cut connection is the only honest signal left
    }
  };

  // Node checks these deadlines every connectionsCheckingInterval (default 30 s): a tenth of the
  // shortest one keeps a cut-off close to the deadline.
  const server = createServer(
    { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 10))) },
    (req, res) => void handle(req, res),
  );
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    route: (method, path, handler) => router.route(method, path, handler),
    mount: (prefix, handler) => router.mount(prefix, handler),
    listen: () =>
      new Promise((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException) => {
          server.off('listening', onListening);
          reject(
            error.code === 'EADDRINUSE'
              ? new PatchbotError('port-in-use', `Cannot listen on ${host}:${port}: the port is already in use.`, 'Stop the other process, or set server.port to a free port.')
              : error,
          );
        };
        const onListening = () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${shown}:${address.port}` });
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port, host);
      }),
    close: ({ drainMs = 10_000 } = {}) =>
      (closing ??= new Promise<void>((resolve) => {
        draining = true;
        if (!server.listening) return resolve();
        const deadline = setTimeout(() => {
          if (sockets.size) log.warn({ sockets: sockets.size, drainMs }, 'http drain deadline passed, closing remaining connections');
          for (const socket of sockets.keys()) socket.destroy();
        }, drainMs);
        deadline.unref();
        // Stops accepting at once (new connections are refused); the callback runs once every socket is gone.
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        for (const [socket, active] of sockets) if (active === 0) socket.destroy();
      })),
  };
};

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** What every inbound handler gets: the raw Node objects (Slack/Jira sign the exact bytes) plus helpers. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Parsed request target. Its host is a placeholder: route on the path, never on a client-sent Host. */
  url: URL;
  /** The path below the mount prefix ('/events' for /slack/events under /slack); the full path for exact routes. */
  subpath: string;
  /** The raw body, read once and cached; over `limit` bytes (default 1 MiB) it rejects with HttpError 413. */
  readBody: (options?: { limit?: number }) => Promise<Buffer>;
  log: Logger;
}
export type HttpHandler = (ctx: RequestContext) => unknown;

/** Throw from a handler to answer with this status and `{"error": message}`; anything else is a 500. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
};

export type RouteMatch = { kind: 'handler'; handler: HttpHandler; route: string; subpath: string } | { kind: 'method-not-allowed'; route: string; allow: string[] } | { kind: 'not-found' };

/**
 * Exact routes first, then the longest mount prefix. `route` is the pattern, not the raw path, so the
 * metrics label stays bounded however many distinct URLs scanners throw at us.
 */
export const createRouter = () => {
  const routes = new Map<string, Map<string, HttpHandler>>();
  const mounts: { prefix: string; handler: HttpHandler }[] = [];

  return {
    route(method: string, path: string, handler: HttpHandler): void {
      if (!path.startsWith('/')) throw new Error(`route path must start with "/": ${path}`);
      const byMethod = routes.get(path) ?? new Map<string, HttpHandler>();
      const verb = method.toUpperCase();
      if (byMethod.has(verb)) throw new Error(`route ${verb} ${path} is already registered`);
      byMethod.set(verb, handler);
      routes.set(path, byMethod);
    },
    /** Everything at or below `prefix` (segment-wise: /slack matches /slack/events, not /slackware). */
    mount(prefix: string, handler: HttpHandler): void {
      const normalized = prefix === '/' ? '' : prefix.replace(/\/+$/, '');
      if (normalized && !normalized.startsWith('/')) throw new Error(`mount prefix must start with "/": ${prefix}`);
      if (mounts.some((m) => m.prefix === normalized)) throw new Error(`a handler is already mounted at ${prefix}`);
      mounts.push({ prefix: normalized, handler });
      mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    match(method: string, pathname: string): RouteMatch {
      const byMethod = routes.get(pathname);
      if (byMethod) {
        // HEAD is GET without a body (Node drops the body for us).
        const handler = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
        if (handler) return { kind: 'handler', handler, route: pathname, subpath: pathname };
        return { kind: 'method-not-allowed', route: pathname, allow: [...byMethod.keys()] };
      }
      for (const m of mounts) {
        if (pathname === m.prefix || pathname.startsWith(`${m.prefix}/`)) {
          return { kind: 'handler', handler: m.handler, route: `${m.prefix}/*`, subpath: pathname.slice(m.prefix.length) || '/' };
        }
      }
      return { kind: 'not-found' };
    },
  };
};
export type Router = ReturnType<typeof createRouter>;

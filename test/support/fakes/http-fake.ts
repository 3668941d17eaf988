import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The loopback HTTP plumbing under the vendor fakes: a node:http server on 127.0.0.1 (port 0 the
 * first time, the same port after a restart so clients keep their base URL), a request log,
 * injectable faults, and stop/start that keeps the vendor state (it lives in the handler).
 */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  /** Parsed JSON or form body; undefined when empty or unparseable (see bodyError). */
  body: unknown;
  bodyError: string | null;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export type Fault =
  /** Answer with this instead of doing the work (a 429, a 503...). */
  | { kind: 'reply'; reply: FakeReply }
  /** Cut the connection before doing anything. */
  | { kind: 'drop' }
  /** Do the work, then cut the connection instead of answering: the client cannot know it happened. */
  | { kind: 'drop-after' };

/** Which requests a fault waits for: any, or only this method and/or path. */
export interface FaultMatch {
  method?: string;
  path?: RegExp;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** The query string's parameters (paging, expand...). */
  query: URLSearchParams;
  status: number | 'dropped';
  /** When it arrived (epoch ms): how long a client waited between two requests. */
  at: number;
}

const parseBody = (raw: string, contentType: string | undefined): Pick<FakeRequest, 'body' | 'bodyError'> => {
  if (raw === '') return { body: undefined, bodyError: null };
  if (contentType?.includes('application/x-www-form-urlencoded')) return { body: Object.fromEntries(new URLSearchParams(raw)), bodyError: null };
  try {
    return { body: JSON.parse(raw) as unknown, bodyError: null };
  } catch (error) {
    return { body: undefined, bodyError: (error as Error).message };
  }
};

const send = (res: ServerResponse, reply: FakeReply) => {
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const type = reply.body === undefined ? {} : { 'content-type': 'application/json;charset=UTF-8' };
  res.writeHead(reply.status, { ...type, 'content-length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
};

export class LoopbackFake {
  readonly requests: LoggedRequest[] = [];
  private readonly faults: { fault: Fault; match: FaultMatch }[] = [];
  private server: Server | null = null;
  private port = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly handler: FakeHandler) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `count` requests (matching `match`, when given) meet `fault` instead of the vendor. */
  failNext(count: number, fault: Fault, match: FaultMatch = {}): void {
    for (let i = 0; i < count; i++) this.faults.push({ fault, match });
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(({ match }) => (!match.method || match.method === method) && (!match.path || match.path.test(path)));
    return i < 0 ? undefined : this.faults.splice(i, 1)[0]!.fault;
  }

  async start(): Promise<string> {
    if (this.server) return this.url;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => void this.serve(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.url;
  }

  /** Stops listening and cuts every connection (an outage); the vendor state stays for start(). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(method: string, target: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse) {
    const url = new URL(target, 'http://fake.invalid');
    const fault = this.takeFault(method, url.pathname);
    const log = (status: LoggedRequest['status']) => this.requests.push({ method, path: url.pathname, query: url.searchParams, status, at: Date.now() });
    if (fault?.kind === 'drop') {
      log('dropped');
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'reply') {
      log(fault.reply.status);
      send(res, fault.reply);
      return;
    }
    const request: FakeRequest = { method, path: url.pathname, query: url.searchParams, headers, raw, ...parseBody(raw, headers['content-type']) };
    let reply: FakeReply;
    try {
      reply = await this.handler(request);
    } catch (error) {
      reply = { status: 500, body: { fakeError: (error as Error).stack } };
    }
    if (fault?.kind === 'drop-after') {
      log('dropped');
      res.socket?.destroy();
      return;
    }
    log(reply.status);
    send(res, reply);
  }
}

/** POSTs a webhook delivery the way a vendor would: exact bytes, given headers. */
export const postWebhook = async (url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> => {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.status, body: await res.text() };
};

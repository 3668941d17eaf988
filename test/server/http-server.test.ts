import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer, type Readiness } from '../../src/server/http-server.ts';
import { createMetricsRegistry } from '../../src/server/metrics.ts';
import { HttpError } from '../../src/server/router.ts';

interface Started {
  server: HttpServer;
  url: string;
  port: number;
  logs: Record<string, unknown>[];
}
let running: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.map((s) => s.close({ drainMs: 100 })));
  running = [];
});

const start = async (options: { readiness?: () => Promise<Readiness> } = {}, setup?: (s: HttpServer) => void): Promise<Started> => {
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const metrics = createMetricsRegistry();
  const server = createHttpServer({ host: '127.0.0.1', port: 0, log, metrics, readiness: options.readiness ?? (async () => ({ ok: true, checks: { store: 'ok' } })) });
  setup?.(server);
  const { url, port } = await server.listen();
  running.push(server);
  return { server, url, port, logs };
};

/** Minimal Prometheus text parser: sample lines → { 'name{labels}': value }, plus HELP/TYPE per name. */
const parseMetrics = (text: string) => {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  for (const line of text.trimEnd().split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) (meta[1] === 'TYPE' ? types : helps).set(meta[2]!, meta[3]!);
    else {
      const sample = /^(\S+?(?:\{.*\})?) (\S+)$/.exec(line);
      expect(sample, `unparseable line: ${line}`).not.toBeNull();
      samples.set(sample![1]!, Number(sample![2]));
    }
  }
  return { samples, types, helps };
};

describe('http server', () => {
  it('answers liveness', async () => {
    const { url } = await start();
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers readiness with the checks, 503 when not ready or when the check throws', async () => {
    let ready: Readiness = { ok: true, checks: { store: 'ok' } };
    let fail = false;
    const { url, logs } = await start({
      readiness: async () => {
        if (fail) throw new Error('connect ECONNREFUSED postgres://db:5432');
        return ready;
      },
    });
    let res = await fetch(`${url}/readyz`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok', checks: { store: 'ok' } }]);
    ready = { ok: false, checks: { store: 'unreachable', queue: 'ok' } };
    res = await fetch(`${url}/readyz`);
    expect([res.status, await res.json()]).toEqual([503, { status: 'unavailable', checks: { store: 'unreachable', queue: 'ok' } }]);
    fail = true;
    res = await fetch(`${url}/readyz`);
    const body = (await res.json()) as { checks: { readiness: string } };
    expect(res.status).toBe(503);
    expect(JSON.stringify(body)).not.toContain('postgres');
    const id = /correlation id (\w+)/.exec(body.checks.readiness)?.[1];
    expect(logs.find((l) => l.msg === 'readiness check failed')).toMatchObject({ correlationId: id });
  });

  it('exposes Prometheus metrics that count requests, with escaped labels', async () => {
    const { url } = await start({}, (s) => s.route('GET', '/boom', () => Promise.reject(new Error('x'))));
    await fetch(`${url}/healthz`);
    await fetch(`${url}/healthz`);
    await fetch(`${url}/nowhere/${'a'.repeat(5)}`);
    await fetch(`${url}/boom`);
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples, types, helps } = parseMetrics(await res.text());
    for (const name of ['patchbot_http_requests_total', 'process_resident_memory_bytes', 'process_uptime_seconds', 'nodejs_heap_used_bytes', 'patchbot_http_request_duration_seconds']) {
      expect(types.has(name), name).toBe(true);
      expect(helps.get(name), name).toBeTruthy();
    }
    expect(types.get('patchbot_http_requests_total')).toBe('counter');
    expect(samples.get('patchbot_http_requests_total{method="GET",route="/healthz",status="200"}')).toBe(2);
    // Unknown paths share one series, so scanners cannot blow up the label set.
    expect(samples.get('patchbot_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(samples.get('patchbot_http_requests_total{method="GET",route="/boom",status="500"}')).toBe(1);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.get('patchbot_http_request_duration_seconds_count{method="GET",route="/healthz"}')).toBe(2);
    expect(samples.get('patchbot_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}')).toBe(2);
  });

  it('escapes label values and help text in the exposition format', () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const counter = metrics.counter('patchbot_test_total', 'Help with \\ and\nnewline.', ['name']);
    counter.inc({ name: 'say "hi"\nback\\slash' }, 2);
    expect(metrics.render()).toBe(
      '# HELP patchbot_test_total Help with \\\\ and\\nnewline.\n# TYPE patchbot_test_total counter\npatchbot_test_total{name="say \\"hi\\"\\nback\\\\slash"} 2\n',
    );
    expect(() => counter.inc({ other: 'x' })).toThrow(/no label "other"/);
    expect(metrics.counter('patchbot_test_total', 'again', ['name'])).toBe(counter);
    expect(() => metrics.gauge('patchbot_test_total', 'clash')).toThrow(/already registered as a counter/);
  });

  it('answers 404 and 405 as JSON', async () => {
    const { url } = await start();
    const missing = await fetch(`${url}/no/such/thing`);
    expect([missing.status, missing.headers.get('content-type'), await missing.json()]).toEqual([404, 'application/json; charset=utf-8', { error: 'not found' }]);
    const wrongMethod = await fetch(`${url}/healthz`, { method: 'POST' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET']);
  });

  it('turns a throwing handler into a 500 with a correlation id, logged with the error, no stack', async () => {
    const { url, logs } = await start({}, (s) =>
      s.route('POST', '/explode', () => {
        throw new Error('database password rejected at /srv/app/secret.ts:12');
      }),
    );
    const res = await fetch(`${url}/explode`, { method: 'POST' });
    const text = await res.text();
    const body = JSON.parse(text) as { error: string; correlationId: string };
    expect(res.status).toBe(500);
    expect(body).toEqual({ error: 'internal error', correlationId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(res.headers.get('x-correlation-id')).toBe(body.correlationId);
    expect(text).not.toMatch(/password|secret\.ts|at /);
    const line = logs.find((l) => l.msg === 'http handler failed');
    expect(line).toMatchObject({ correlationId: body.correlationId, method: 'POST', path: '/explode' });
    expect(line?.err).toMatchObject({ message: expect.stringContaining('database password rejected') });
  });

  it('gives mounted handlers the raw body and the subpath, and refuses bodies over the limit with 413', async () => {
    const seen: { subpath: string; body: string }[] = [];
    const { url } = await start({}, (s) =>
      s.mount('/slack', async ({ res, subpath, readBody }) => {
        const body = await readBody();
        seen.push({ subpath, body: body.toString('utf8') });
        res.end('ok');
      }),
    );
    const raw = '{"b":1,  "a":"é"}';
    expect((await fetch(`${url}/slack/events`, { method: 'POST', body: raw })).status).toBe(200);
    expect(seen).toEqual([{ subpath: '/events', body: raw }]);
    expect((await fetch(`${url}/slackware`)).status).toBe(404);
    const big = await fetch(`${url}/slack/events`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect([big.status, await big.json()]).toEqual([413, { error: 'request body is larger than 1048576 bytes' }]);
    expect(seen).toHaveLength(1);
    // The connection is still usable afterwards.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('logs each request at debug with method, path, status and duration', async () => {
    const { url, logs } = await start();
    await fetch(`${url}/healthz`);
    expect(logs.find((l) => l.msg === 'http request')).toMatchObject({ level: 20, method: 'GET', path: '/healthz', status: '200', ms: expect.any(Number) });
  });

  it('closes gracefully: the in-flight request completes, new connections are refused', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const { server, url, port } = await start({}, (s) =>
      s.route('GET', '/slow', async ({ res }) => {
        entered();
        await released;
        res.end('done');
      }),
    );
    const slow = fetch(`${url}/slow`).then(async (r) => [r.status, await r.text()]);
    await inside;
    let closed = false;
    const closing = server.close({ drainMs: 30_000 }).then(() => (closed = true));
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('connect', () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(closed).toBe(false);
    release();
    expect(await slow).toEqual([200, 'done']);
    await closing;
    expect(closed).toBe(true);
  });

  it('does not let idle keep-alive connections hold up close', async () => {
    const { server, port } = await start();
    // A keep-alive agent leaves its socket open and idle on both sides after the response.
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
    // An idle socket kept open would hold close for the whole drain, past this test's timeout.
    await server.close({ drainMs: 120_000 });
    agent.destroy();
  });

  it('cuts requests still running when the drain deadline passes', async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const { server, url } = await start({}, (s) =>
      s.route('GET', '/hang', () => {
        entered();
        return new Promise(() => {});
      }),
    );
    const hung = fetch(`${url}/hang`).then(
      () => 'answered',
      () => 'cut',
    );
    await inHandler;
    await server.close({ drainMs: 50 });
    expect(await hung).toBe('cut');
  });

  it('cuts off a client that sends its body too slowly (408, connection closed) instead of holding it for the 300 s Node allows', async () => {
    const log = pino({ level: 'silent' });
    const server = createHttpServer({
      host: '127.0.0.1',
      port: 0,
      log,
      metrics: createMetricsRegistry(),
      readiness: async () => ({ ok: true, checks: {} }),
      requestTimeoutMs: 600,
      headersTimeoutMs: 400,
    });
    const bodies: string[] = [];
    server.route('POST', '/slack/events', async (ctx) => {
      bodies.push((await ctx.readBody()).toString());
      ctx.res.writeHead(200).end();
    });
    const { port } = await server.listen();
    running.push(server);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        // Headers promise 1,000 bytes; ten arrive, then the client goes quiet.
        socket.write('POST /slack/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":"bbbb');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodies).toEqual([]);
  });

  it('maps HttpError to its status', async () => {
    const { url } = await start({}, (s) => s.route('GET', '/teapot', () => Promise.reject(new HttpError(418, 'short and stout'))));
    const res = await fetch(`${url}/teapot`);
    expect([res.status, await res.json()]).toEqual([418, { error: 'short and stout' }]);
  });
});

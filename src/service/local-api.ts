import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ConfigIdentity } from '../config/identity.ts';
import type { HttpServer } from '../server/http-server.ts';
import { isLoopbackPeer, relayedByProxy } from '../server/loopback-peer.ts';
import { HttpError, sendJson } from '../server/router.ts';
import type { Runtime } from './runtime.ts';

/**
 * The service's local API runs CLI commands for other processes on this machine while the service
 * holds the embedded store (`patchbot ask …` next to a running service). Only loopback peers
 * holding the token from the owner-only lock file get in: a token of its own, never server.token,
 * and never through a proxy (a request a proxy forwarded carries its Forwarded / X-Forwarded-*
 * headers, and the CLI talks to the service directly).
 */

/** Where a forwarded command writes; its output travels back to the CLI that sent it. */
export interface ForwardedIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
  /** The config the caller named: the command runs only when it means what the service's does. */
  config: ConfigIdentity;
}

/**
 * How the service runs a forwarded command, on its own runtime. The CLI provides it when it starts
 * the service; the service never imports the CLI.
 */
export interface LocalCommands {
  run(argv: string[], io: ForwardedIo, runtime: Runtime): Promise<number>;
}

const ForwardedCommand = z.object({
  argv: z.array(z.string()),
  cwd: z.string(),
  config: z.object({ files: z.array(z.string()), env: z.array(z.string()), sections: z.record(z.string(), z.string()) }),
});
type ForwardedCommand = z.infer<typeof ForwardedCommand>;

const bearerMatches = (request: IncomingMessage, token: string): boolean => {
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
};

/** Collects a command's output so it can travel back to the CLI that forwarded it. */
const captureOutput = () => {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
};

const readCommand = (body: Buffer): ForwardedCommand => {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body must be JSON: {"argv": [...], "cwd": "...", "config": {...}}');
  }
  const parsed = ForwardedCommand.safeParse(json);
  if (!parsed.success)
    throw new HttpError(
      400,
      `the body must be {"argv": [strings], "cwd": string, "config": {files, env, sections}}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
};

export const mountLocalApi = (server: HttpServer, { token, commands, runtime }: { token: string; commands: LocalCommands; runtime: Runtime }): void => {
  server.route('POST', '/api/cli', async ({ req, res, readBody }) => {
    if (relayedByProxy(req)) return sendJson(res, 403, { error: 'the local API is not served through a proxy' });
    if (!isLoopbackPeer(req) || !bearerMatches(req, token)) return sendJson(res, 401, { error: 'unauthorized' });
    const request = readCommand(await readBody());
    const stdout = captureOutput();
    const stderr = captureOutput();
    const code = await commands.run(request.argv, { stdout, stderr, cwd: request.cwd, config: request.config }, runtime);
    sendJson(res, 200, { code, stdout: stdout.text(), stderr: stderr.text() });
  });
};

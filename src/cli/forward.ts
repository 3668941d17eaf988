import { request } from 'node:http';
import type { ConfigIdentity } from '../config/identity.ts';
import { type CliIo, showSecret } from './command.ts';
import type { LockHolder } from './store-lock.ts';

export interface ForwardedResult {
  code: number;
  stdout: string;
  stderr: string;
  /** What the command showed as a secret on stdout (Output.secret): shown past this CLI's scrubber too. */
  secret?: string;
}

/**
 * One POST over node:http, its connection closed after the answer. Not fetch: loading undici and
 * waiting out its kept-alive connection cost a forwarded command ~150–250 ms of a ~0.3 s budget.
 */
const post = (url: string, token: string, body: string): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}`, connection: 'close' },
        timeout: 30 * 60_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 minutes')));
    req.on('error', reject);
    req.end(body);
  });

/**
 * Runs a CLI command inside the service that holds the embedded store, through its local API.
 * Used only on loopback, authenticated by the token the service wrote to the owner-only lock file.
 * The identity of the config this process named goes along: the service runs the command only
 * when its own config means the same (forwarded-config.ts).
 */
export const forwardToService = async (holder: LockHolder & { api: { url: string; token: string } }, command: { argv: string[]; config: ConfigIdentity }, io: CliIo): Promise<number> => {
  let response: { status: number; text: string };
  try {
    response = await post(`${holder.api.url}/api/cli`, holder.api.token, JSON.stringify({ argv: command.argv, cwd: io.cwd, config: command.config }));
  } catch (error) {
    io.stderr.write(`The store is held by the patchbot service (pid ${holder.pid}) but its API at ${holder.api.url} did not answer: ${(error as Error).message}\n`);
    return 1;
  }
  if (response.status < 200 || response.status > 299) {
    io.stderr.write(`The patchbot service (pid ${holder.pid}) refused the command: HTTP ${response.status} ${response.text}\n`);
    return 1;
  }
  const result = JSON.parse(response.text) as ForwardedResult;
  io.stdout.write(result.stdout);
  if (result.secret) showSecret(io.stdout, result.secret);
  io.stderr.write(result.stderr);
  return result.code;
};

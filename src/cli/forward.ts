import type { CliIo } from './command.ts';
import type { LockHolder } from './store-lock.ts';

export interface ForwardedResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a CLI command inside the service that holds the embedded store, through its local API.
 * Used only on loopback, authenticated by the token the service wrote to the owner-only lock file.
 */
export const forwardToService = async (holder: LockHolder & { api: { url: string; token: string } }, argv: string[], io: CliIo): Promise<number> => {
  let response: Response;
  try {
    response = await fetch(`${holder.api.url}/api/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${holder.api.token}` },
      body: JSON.stringify({ argv, cwd: io.cwd }),
      signal: AbortSignal.timeout(30 * 60_000),
    });
  } catch (error) {
    io.stderr.write(`The store is held by the patchbot service (pid ${holder.pid}) but its API at ${holder.api.url} did not answer: ${(error as Error).message}\n`);
    return 1;
  }
  if (!response.ok) {
    io.stderr.write(`The patchbot service (pid ${holder.pid}) refused the command: HTTP ${response.status} ${await response.text()}\n`);
    return 1;
  }
  const result = (await response.json()) as ForwardedResult;
  io.stdout.write(result.stdout);
  io.stderr.write(result.stderr);
  return result.code;
};

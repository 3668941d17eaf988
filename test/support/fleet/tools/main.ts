import { basename, dirname } from 'node:path';
import { aptCache } from './apt-cache.ts';
import { aptConfig } from './apt-config.ts';
import { aptGet } from './apt-get.ts';
import { dpkgQuery } from './dpkg-query.ts';
import { hostname, needrestart, uname } from './host-info.ts';
import { logToolCall } from './host-state.ts';
import { reboot, shutdown } from './reboot.ts';
import { systemctl } from './systemctl.ts';
import type { Tool, ToolContext } from './tool-context.ts';

/**
 * The entry point of every simulated tool: `node main.js <tool> args…`, started by the shims on
 * the simulated host's PATH (host-shell.ts) with FLEET_HOST_DIR set by the session wrapper.
 * Output is collected and written once; an unexpected error exits 70 naming the simulator, so a
 * harness bug is never mistaken for the tool's own verdict.
 */
export const TOOLS: Record<string, Tool> = {
  'apt-get': aptGet,
  'apt-cache': aptCache,
  'apt-config': aptConfig,
  'dpkg-query': dpkgQuery,
  systemctl,
  reboot,
  shutdown,
  uname,
  hostname,
  needrestart,
};

const main = () => {
  const [tool = '', ...args] = process.argv.slice(2);
  const hostDir = process.env.FLEET_HOST_DIR;
  const run = TOOLS[tool];
  if (!hostDir || !run) {
    process.stderr.write(`fleet simulator: ${run ? 'FLEET_HOST_DIR is not set: run tools through the fleet sshd' : `no tool ${tool}`}\n`);
    process.exitCode = 70;
    return;
  }
  let stdout = '';
  let stderr = '';
  const ctx: ToolContext = {
    fleetDir: dirname(dirname(hostDir)),
    hostName: basename(hostDir),
    hostDir,
    write: (text) => (stdout += text),
    out: (...lines) => (stdout += lines.map((l) => `${l}\n`).join('')),
    err: (...lines) => (stderr += lines.map((l) => `${l}\n`).join('')),
  };
  logToolCall(hostDir, tool, args);
  try {
    process.exitCode = run(ctx, args);
  } catch (error) {
    stderr += `fleet simulator: ${tool} failed: ${(error as Error).stack ?? String(error)}\n`;
    process.exitCode = 70;
  }
  process.stdout.write(stdout);
  process.stderr.write(stderr);
};

main();

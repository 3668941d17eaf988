/**
 * The measured side of bench/fanout: one `patchbot scan` of every host, in process through the
 * real CLI (same code path as bin/patchbot.js), sampling this process's RSS.
 * Run as its own process: node --import tsx bench/fanout/patchbot-scan.ts <config.yaml>
 */
import { runCli } from '../../src/cli/run-cli.ts';
import { platform } from '../../src/main.ts';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
let stdout = '';
let stderr = '';
const code = await runCli(['scan', '--json', '--config', process.argv[2]!], {
  platform,
  io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: {}, cwd: process.cwd(), isTty: false },
});
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
// What the process still holds once the scan is done: peak RSS counts garbage not yet collected.
(globalThis as { gc?: () => void }).gc?.();
const retainedHeap = process.memoryUsage().heapUsed;
if (!stdout) {
  process.stderr.write(stderr);
  process.exit(1);
}
const result = JSON.parse(stdout) as { seconds: number; targets: string[]; ok: number; failed: number; unreachable: number };
process.stdout.write(`${JSON.stringify({ code, seconds: result.seconds, hostsPerSecond: result.targets.length / result.seconds, peakRss, retainedHeap, ok: result.ok, failures: result.failed + result.unreachable })}\n`);
process.exit(0);

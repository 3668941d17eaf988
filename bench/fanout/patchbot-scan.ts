/**
 * The measured side of bench/fanout: one `patchbot scan` of every host, in process through the
 * real CLI (same code path as bin/patchbot.js), sampling this process's RSS and CPU time.
 * Run as its own process: node --import tsx bench/fanout/patchbot-scan.ts <config.yaml>
 */
import { runCli } from '../../src/cli/run-cli.ts';
import { createPlatform } from '../../src/main.ts';

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let peakRss = 0;
// CPU time sampled as it goes, so that the scan's own window can be cut out afterwards: start-up
// (loading modules, opening the store) is not part of what the scan costs per host.
const cpuSamples: Array<[at: number, cpuMs: number]> = [];
// memoryUsage.rss() alone: the full memoryUsage() also walks the heap's spaces, which at this
// rate cost ~0.1 ms of CPU per host. The ssh2 loop samples the same way.
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  cpuSamples.push([performance.now(), cpuNow()]);
}, 20);
let stdout = '';
let stderr = '';
// The window ends when the scan prints its result; stopping the runtime afterwards is not in it.
let printed: [at: number, cpuMs: number] | null = null;
const code = await runCli(['scan', '--json', '--config', process.argv[2]!], {
  platform: createPlatform({ ...process.env }),
  io: {
    stdout: {
      write: (t: string) => {
        printed ??= [performance.now(), cpuNow()];
        stdout += t;
      },
    },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: process.cwd(),
    isTty: false,
  },
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
const result = JSON.parse(stdout) as { seconds: number; hosts: number; ok: number; failed: number; unreachable: number };
const [ended, cpuAtEnd] = (printed as [number, number] | null) ?? [performance.now(), cpuNow()];
const cpuAtStart = cpuSamples.find(([at]) => at >= ended - result.seconds * 1000)?.[1] ?? 0;
// The window on the wall clock, for the runner to cut the database server's CPU time to it.
const window = [performance.timeOrigin + ended - result.seconds * 1000, performance.timeOrigin + ended];
process.stdout.write(
  `${JSON.stringify({
    code,
    seconds: result.seconds,
    hostsPerSecond: result.hosts / result.seconds,
    cpuMs: cpuAtEnd - cpuAtStart,
    window,
    peakRss,
    retainedHeap,
    ok: result.ok,
    failures: result.failed + result.unreachable,
  })}\n`,
);
process.exit(0);

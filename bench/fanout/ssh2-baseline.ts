/**
 * Baseline for bench/fanout: the least an SSH fan-out can do — connect, exec one command, read
 * its output, close — with ssh2 directly, N hosts at the given concurrency. No parsing, no store.
 * Run as its own process so its peak RSS is its own: node --import tsx bench/ssh2-baseline.ts <json>
 */
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';

interface Args {
  hosts: number;
  concurrency: number;
  port: number;
  user: string;
  keyPath: string;
  command: string;
}

const args = JSON.parse(process.argv[2]!) as Args;
const privateKey = readFileSync(args.keyPath);
let peakRss = 0;
// Sampled as bench/fanout/patchbot-scan.ts samples it.
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);

const once = () =>
  new Promise<number>((resolve, reject) => {
    const client = new Client();
    let bytes = 0;
    client
      .on('ready', () => {
        client.exec(args.command, (error, stream) => {
          if (error) return reject(error);
          stream.on('data', (chunk: Buffer) => (bytes += chunk.length)).stderr.resume();
          stream.on('close', () => {
            client.end();
            resolve(bytes);
          });
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port: args.port, username: args.user, privateKey, readyTimeout: 60_000 });
  });

const started = performance.now();
const cpuAtStart = process.cpuUsage();
let next = 0;
let failures = 0;
const worker = async () => {
  while (next < args.hosts) {
    next++;
    await once().catch(() => failures++);
  }
};
await Promise.all(Array.from({ length: args.concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
process.stdout.write(`${JSON.stringify({ seconds, cpuMs: (cpu.user + cpu.system) / 1000, hostsPerSecond: args.hosts / seconds, peakRss, failures })}\n`);

import type { Config } from '../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { Platform, StoreHandle } from '../platform.ts';
import type { LocalCommands } from '../service/local-api.ts';
import type { Runtime } from '../service/runtime.ts';

export interface Output {
  write(text: string): unknown;
  /**
   * A secret this reader asked to be shown (a personal access token, once, as it is created):
   * written past the secret scrubber, which would otherwise print it as `[redacted]`. An output
   * without it has no scrubber; `showSecret` falls back to `write`.
   */
  secret?(text: string): unknown;
  /** A stream's 'drain' after write returned false: a long report waits for it instead of buffering (see writeOut). */
  once?(event: 'drain', listener: () => void): unknown;
}

/** Shows a secret the reader asked for (Output.secret). */
export const showSecret = (out: Output, text: string): unknown => (out.secret ? out.secret(text) : out.write(text));

/** Writes, and when the stream says its buffer is full, resolves once it has drained. */
export const writeOut = (out: Output, text: string): Promise<void> | undefined => {
  if (out.write(text) !== false || !out.once) return undefined;
  return new Promise((resolve) => out.once!('drain', () => resolve()));
};

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  cwd: string;
  isTty: boolean;
}

export interface CliDeps {
  platform: Platform;
  io: CliIo;
  /** Set when the command runs inside the service (forwarded from another CLI): use its runtime. */
  sharedRuntime?: Runtime;
}

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; description: string; default?: string | boolean };

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  io: CliIo;
  deps: CliDeps;
  config: () => Promise<Config>;
  /**
   * The config without inventory.file's hosts and groups (the full one when already loaded): for
   * commands that do not read the inventory, since a generated one can hold 100,000 hosts.
   */
  settings: () => Promise<Config>;
  log: () => Promise<Logger>;
  /** Opens the store for the command (or borrows the service's), and closes it afterwards. */
  withStore: <T>(work: (handle: StoreHandle) => Promise<T>, options?: { migrate?: boolean }) => Promise<T>;
  /** A runtime with job workers (the service's when forwarded), for commands that do real work. */
  withRuntime: <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;
  /** This CLI as the service's local API runs it: commands forwarded by other processes (`start` hands it over). */
  localCommands: LocalCommands;
}

export interface Command {
  /** Words that select the command: ['audit', 'verify']. */
  path: string[];
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Positionals accepted: [min, max]; max Infinity for lists. */
  positionals?: [number, number];
  /** When true and a service holds the embedded store, the command is sent to the service. */
  usesStore: boolean;
  run(context: CommandContext): Promise<number>;
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a simulated tool knows about where it runs, and where it prints. */
export interface ToolContext {
  fleetDir: string;
  hostName: string;
  hostDir: string;
  /** Raw stdout text. */
  write(text: string): void;
  /** Whole stdout lines. */
  out(...lines: string[]): void;
  err(...lines: string[]): void;
}

/** Fleet-wide settings the tools read at run time (written by index.ts). */
export interface FleetSettings {
  /** The sshd listener: a host's connections are its children, which a reboot drops. */
  listenerPid: number;
  /** How long a rebooting host refuses sessions. */
  rebootDowntimeMs: number;
}

export const SETTINGS_FILE = 'fleet.json';

export const readSettings = (fleetDir: string): FleetSettings => JSON.parse(readFileSync(join(fleetDir, SETTINGS_FILE), 'utf8')) as FleetSettings;

/** A tool: gets its argv (without its own name), returns the exit status. */
export type Tool = (ctx: ToolContext, args: string[]) => number;

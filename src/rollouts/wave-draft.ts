/** A wave before batching: its hosts and the settings it was configured with. */
import type { FailureBudget, SmokeCheck, WaveDefaults } from '../config/schema-rollout.ts';
import type { Host } from '../inventory/host.ts';
import type { WaveSource } from './rollout-plan.ts';

export interface WaveSettings {
  concurrency: number;
  failureBudget: FailureBudget;
  soak: number;
  smoke: SmokeCheck[];
}

export interface WaveDraft {
  name: string;
  pilot: boolean;
  source: WaveSource;
  hosts: Host[];
  settings: WaveSettings;
}

/** A wave's own settings over the defaults, key by key. */
export const settingsOf = (own: { [K in keyof WaveSettings]?: WaveSettings[K] | undefined }, defaults: WaveDefaults): WaveSettings => ({
  concurrency: own.concurrency ?? defaults.concurrency,
  failureBudget: own.failureBudget ?? defaults.failureBudget,
  soak: own.soak ?? defaults.soak,
  smoke: own.smoke ?? defaults.smoke,
});

/**
 * Sizes for waves that share `count` hosts by percent (adding up to 100). Cumulative shares are
 * rounded down, so early waves err small; every wave gets at least one host while any are left
 * (later waves give way, and are dropped when there are fewer hosts than waves); the last wave
 * takes whatever rounding left.
 */
export const shareSizes = (count: number, percents: readonly number[]): number[] => {
  let taken = 0;
  let cumulative = 0;
  return percents.map((percent, index) => {
    cumulative += percent;
    const last = index === percents.length - 1;
    // The epsilon keeps 33.3 + 33.3 + 33.4 of 10 from flooring 9.999… to 9.
    const wanted = last ? count : Math.floor((cumulative * count) / 100 + 1e-9);
    const upTo = Math.min(count, Math.max(wanted, taken + 1));
    const size = upTo - taken;
    taken = upTo;
    return size;
  });
};

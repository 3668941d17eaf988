/**
 * apt-get's command line as the simulator understands it: the options patchbot's playbooks pass,
 * plus their usual spellings. Anything else is refused the way apt refuses it (exit 100), so a
 * playbook that starts relying on an option the simulator ignores fails here instead of passing.
 */
export interface AptArgs {
  operation: string | null;
  words: string[];
  simulate: boolean;
  assumeYes: boolean;
  quiet: number;
  onlyUpgrade: boolean;
  allowDowngrades: boolean;
  /** `-o Name=value`, names lowercased (apt's configuration is case-insensitive). */
  config: Map<string, string>;
}

export class AptUsageError extends Error {}

const LONG_FLAGS: Record<string, (a: AptArgs) => void> = {
  '--yes': (a) => (a.assumeYes = true),
  '--assume-yes': (a) => (a.assumeYes = true),
  '--simulate': (a) => (a.simulate = true),
  '--just-print': (a) => (a.simulate = true),
  '--dry-run': (a) => (a.simulate = true),
  '--recon': (a) => (a.simulate = true),
  '--no-act': (a) => (a.simulate = true),
  '--quiet': (a) => a.quiet++,
  '--only-upgrade': (a) => (a.onlyUpgrade = true),
  '--allow-downgrades': (a) => (a.allowDowngrades = true),
  '--no-install-recommends': () => undefined,
};

const SHORT_FLAGS: Record<string, (a: AptArgs) => void> = {
  y: (a) => (a.assumeYes = true),
  s: (a) => (a.simulate = true),
  q: (a) => a.quiet++,
};

export function parseAptArgs(argv: readonly string[]): AptArgs {
  const args: AptArgs = { operation: null, words: [], simulate: false, assumeYes: false, quiet: 0, onlyUpgrade: false, allowDowngrades: false, config: new Map() };
  const setOption = (assignment: string | undefined) => {
    const m = /^([^=]+)=(.*)$/.exec(assignment ?? '');
    if (!m) throw new AptUsageError(`E: Option ${assignment ?? ''}: Configuration item specification must have an =<val>.`);
    args.config.set(m[1]!.toLowerCase(), m[2]!);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-o' || arg === '--option') setOption(argv[++i]);
    else if (arg.startsWith('-o')) setOption(arg.slice(2));
    else if (arg.startsWith('--')) {
      const flag = LONG_FLAGS[arg];
      if (!flag) throw new AptUsageError(`E: Command line option ${arg} is not understood in combination with the other options`);
      flag(args);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (const letter of arg.slice(1)) {
        const flag = SHORT_FLAGS[letter];
        if (!flag) throw new AptUsageError(`E: Command line option '${letter}' [from ${arg}] is not understood in combination with the other options.`);
        flag(args);
      }
    } else if (args.operation === null) args.operation = arg;
    else args.words.push(arg);
  }
  return args;
}

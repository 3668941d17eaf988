import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../shared/logger.ts';
import { plainText } from '../chat/render-text.ts';
import { PatchbotError, UsageError } from '../shared/errors.ts';
import type { StoreHandle } from '../platform.ts';
import type { LocalCommands } from '../service/local-api.ts';
import { COMMANDS } from './commands.ts';
import { type CommandContext, type CliDeps, EXIT } from './command.ts';
import type { ConfigIdentity } from '../config/identity.ts';
import { findCommand, noCommand, optionProblem } from './find-command.ts';
import { forwardToService } from './forward.ts';
import { forwardedConfigRefusal } from './forwarded-config.ts';
import { globalHelp, commandHelp } from './help.ts';
import { scrubbedIo } from './scrubbed-io.ts';
import { acquireLock, readLock } from './store-lock.ts';

const CONFIG_OPTION = { type: 'string', multiple: true, short: 'c', description: 'config file (repeatable; default $PATCHBOT_CONFIG)' } as const;
const HELP_OPTION = { type: 'boolean', short: 'h', description: 'show this help' } as const;

export const runCli = async (argv: string[], rawDeps: CliDeps): Promise<number> => {
  const deps: CliDeps = { ...rawDeps, io: scrubbedIo(rawDeps.io) };
  const { io } = deps;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(globalHelp(COMMANDS));
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(`patchbot ${(await import('../shared/version.ts')).VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(COMMANDS, argv);
  if (!found) {
    const said = noCommand(COMMANDS, argv);
    io.stdout.write(said.stdout);
    io.stderr.write(said.stderr);
    return EXIT.usage;
  }
  const { command, rest } = found;
  let parsed: ReturnType<typeof parseArgs>;
  const options = { ...command.options, config: CONFIG_OPTION, help: HELP_OPTION };
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`patchbot ${command.path.join(' ')}: ${optionProblem(error as Error, options)}\n${command.usage}\n`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  const [min, max] = command.positionals ?? [0, 0];
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    io.stderr.write(
      `patchbot ${command.path.join(' ')}: expected ${min === max ? min : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min}–${max}`} argument(s), got ${parsed.positionals.length}.\n${command.usage}\n`,
    );
    return EXIT.usage;
  }

  const files = (parsed.values.config as string[] | undefined) ?? io.env.PATCHBOT_CONFIG?.split(':').filter(Boolean) ?? [];
  let config: Config | undefined;
  let settings: Config | undefined;
  let logger: Logger | undefined;
  /** The identity of the config this process loaded: `start` compares forwarded commands with it. */
  let identity: ConfigIdentity | undefined;
  // Loaded on first use: zod, yaml and pino cost `--help` and forwarded commands nothing then.
  const load = async (inventoryFile: boolean) => {
    const loaded = await (await import('../config/load.ts')).loadConfig({ files, env: io.env, cwd: io.cwd, inventoryFile });
    identity = loaded.identity;
    return loaded.config;
  };
  // A forwarded command answers from the service's config, which the service checked means what the caller named.
  const getConfig = async () => (config ??= deps.sharedRuntime?.config ?? (await load(true)));
  // Opening the store, forwarding to the service and logging need no inventory: a generated
  // inventory.file can hold 100,000 hosts (issue #20), so they read the config without it.
  const getSettings = async () => config ?? deps.sharedRuntime?.config ?? (settings ??= await load(false));
  const getLog = async () =>
    (logger ??= (await import('../shared/logger.ts')).createLogger({
      level: (await getSettings()).log.level,
      format: (await getSettings()).log.format,
      destination: io.stderr as NodeJS.WritableStream,
      isTty: io.isTty,
    }));

  /**
   * Where the store lives, for finding a service that holds it: read from the merged layers
   * without validating the whole config (zod, the inventory file, secrets), which a forwarded
   * command would pay for in start time and the service validates anyway. When the layers do not
   * say it plainly, the full load does (and reports what is wrong).
   */
  const forwarding = async () => {
    const facts = await (await import('../config/layers.ts')).forwardingFacts({ files, env: io.env, cwd: io.cwd });
    return { identity: facts.identity, storeUrl: config?.store.url ?? facts.storeUrl ?? (await getSettings()).store.url };
  };
  const serviceHolding = async (url: string) => {
    let dir: string | null;
    try {
      dir = deps.platform.exclusiveDir(url);
    } catch {
      return null; // not a store URL: the command's own load of the config says so
    }
    return dir ? readLock(dir) : null;
  };

  const withStore: CommandContext['withStore'] = async (work, { migrate = false } = {}) => {
    if (deps.sharedRuntime) return work(deps.sharedRuntime.handle);
    const url = (await getSettings()).store.url;
    const dir = deps.platform.exclusiveDir(url);
    const lock = dir ? acquireLock(dir, { pid: process.pid, command: `patchbot ${command.path.join(' ')}` }) : null;
    if (lock && !lock.ok)
      throw new PatchbotError(
        'store-busy',
        `The embedded store in ${dir} is in use by "${lock.holder.command}" (pid ${lock.holder.pid}).`,
        'Wait for it to finish, or use a PostgreSQL server (store.url: postgres://…) to share the store between processes.',
      );
    let handle: StoreHandle | undefined;
    try {
      handle = await deps.platform.openStore(url, { migrate });
      return await work(handle);
    } finally {
      await handle?.close();
      if (lock?.ok) lock.release();
    }
  };

  const withRuntime: CommandContext['withRuntime'] = async (work) => {
    if (deps.sharedRuntime) return work(deps.sharedRuntime);
    return withStore(
      async (handle) => {
        const { startRuntime } = await import('../service/runtime.ts');
        const runtime = await startRuntime({ config: await getConfig(), platform: deps.platform, log: await getLog(), handle, workers: true });
        try {
          return await work(runtime);
        } finally {
          await runtime.stop();
        }
      },
      { migrate: true },
    );
  };

  // A forwarded command runs through this same function, on the service's runtime, with output captured.
  const localCommands: LocalCommands = {
    run: async (forwarded, forwardedIo, runtime) => {
      const refusal = forwardedConfigRefusal(identity, forwardedIo.config, process.pid);
      if (refusal) {
        forwardedIo.stderr.write(refusal);
        return EXIT.failure;
      }
      return runCli(forwarded, { platform: deps.platform, io: { ...io, ...forwardedIo, isTty: false }, sharedRuntime: runtime });
    },
  };

  try {
    if (command.usesStore && !deps.sharedRuntime) {
      const caller = await forwarding();
      const holder = await serviceHolding(caller.storeUrl);
      if (holder?.api && holder.pid !== process.pid) return await forwardToService({ ...holder, api: holder.api }, { argv, config: caller.identity }, io);
    }
    return await command.run({
      values: parsed.values as CommandContext['values'],
      positionals: parsed.positionals,
      io,
      deps,
      config: getConfig,
      settings: getSettings,
      log: getLog,
      withStore,
      withRuntime,
      localCommands,
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`patchbot ${command.path.join(' ')}: ${error.message}\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof PatchbotError) {
      // Messages and hints are shared with chat and written in its markup; a terminal gets them plain.
      io.stderr.write(`patchbot ${command.path.join(' ')}: ${plainText(error.message)}\n${error.hint ? `${plainText(error.hint)}\n` : ''}`);
      return EXIT.failure;
    }
    io.stderr.write(`patchbot ${command.path.join(' ')}: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failure;
  }
};

import { type Command, EXIT } from '../command.ts';
import { acquireLock, publishApi } from '../store-lock.ts';

export const start: Command = {
  path: ['start'],
  summary: 'run the patchbot service (HTTP server, console, schedules, workers)',
  usage: 'Usage: patchbot start [--config FILE]\nRuns until SIGTERM or SIGINT, then drains and exits 0.',
  options: {},
  usesStore: false,
  async run({ io, deps, config: loadConfig, log: loadLog, localCommands }) {
    if (deps.sharedRuntime) {
      io.stderr.write('patchbot start: this service is already running.\n');
      return EXIT.failure;
    }
    const config = await loadConfig();
    const log = await loadLog();
    // Legal but probably wrong (no SSH credentials, a policy nobody can meet): said at start too, not only by `config check`.
    for (const warning of (await import('../../config/warnings.ts')).configWarnings(config, io.env)) log.warn(`config: ${warning}`);
    const dir = deps.platform.exclusiveDir(config.store.url);
    const holder = { pid: process.pid, command: 'patchbot start' };
    const lock = dir ? acquireLock(dir, holder) : null;
    if (lock && !lock.ok) {
      const where = lock.holder.api ? ` at ${lock.holder.api.url}` : '';
      io.stderr.write(`patchbot start: the embedded store in ${dir} is in use by "${lock.holder.command}" (pid ${lock.holder.pid})${where}.\n`);
      return EXIT.failure;
    }
    try {
      // Loaded here, not at the top: every other command would pay for the whole service.
      const { startService } = await import('../../service/start-service.ts');
      const service = await startService({
        config,
        platform: deps.platform,
        log,
        commands: localCommands,
        onListening: (api) => dir && publishApi(dir, { ...holder, api }),
      });
      // A half-alive service (HTTP up, every query failing) helps nobody: one line, and exit for a supervisor to restart.
      service.runtime.handle.onLost((error) => {
        io.stderr.write(`patchbot start: the embedded store stopped working (${error.message}); exiting so patchbot can be restarted.\n`);
        if (lock?.ok) lock.release();
        process.exit(EXIT.failure);
      });
      io.stdout.write(`patchbot is running at ${service.url}/ (store: ${service.runtime.handle.engine}${config.execution.dryRun ? ', dry run' : ''}). Ctrl-C stops it.\n`);
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      await service.stop(signal);
      return EXIT.ok;
    } finally {
      if (lock?.ok) lock.release();
    }
  },
};

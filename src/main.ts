/**
 * Composition root: the only module that imports adapters. It builds the Platform (the outside
 * world as ports) and hands it to the CLI; it decides nothing itself.
 */
import { consoleModule } from '../adapters/console/console-module.ts';
import { migrate, migrationStatus } from '../adapters/postgres/migrate.ts';
import { openStore, parseStoreUrl } from '../adapters/postgres/open-store.ts';
import { startPgBossQueue } from '../adapters/postgres/pg-boss-queue.ts';
import { LocalExecutor } from '../adapters/local/local-executor.ts';
import { createSshExecutor } from '../adapters/ssh/ssh-executor.ts';
import { runCli } from './cli/run-cli.ts';
import { readEnv } from './config/env.ts';
import type { Platform } from './platform.ts';
import { type Executor, ExecutionError } from './playbooks/executor.ts';
import { PatchbotError } from './shared/errors.ts';

const env = readEnv();

/**
 * The SSH executor is built on first use: an inventory of only local hosts needs no key, and a
 * missing key then shows up per host ("auth-failed: set execution.ssh.privateKeyPath …") rather
 * than stopping the service.
 */
const lazyExecutor = (build: () => Executor): Executor => {
  let built: Executor | null = null;
  return {
    async open(host) {
      try {
        built ??= build();
      } catch (error) {
        throw new ExecutionError('auth-failed', host.name, error instanceof PatchbotError ? error.message : String(error));
      }
      return built.open(host);
    },
    close: async () => built?.close(),
  };
};

export const platform: Platform = {
  async openStore(url, { migrate: applyMigrations }) {
    const opened = await openStore(url, { migrate: applyMigrations });
    return {
      store: opened.store,
      engine: opened.sql.engine,
      applied: opened.migration?.applied ?? [],
      migrationStatus: () => migrationStatus(opened.sql),
      migrate: async () => (await migrate(opened.sql)).applied,
      startQueue: (onError) => startPgBossQueue({ sql: opened.sql, onError }),
      close: () => opened.store.close(),
    };
  },
  exclusiveDir(url) {
    const location = parseStoreUrl(url);
    return location.engine === 'pglite' ? location.dataDir : null;
  },
  executors({ config, log, onHostKeyLearned }) {
    const ssh = config.execution.ssh;
    return {
      local: new LocalExecutor({ baseEnv: env }),
      ssh: lazyExecutor(() =>
        createSshExecutor({
          ...(ssh.privateKeyPath ? { privateKeyPath: ssh.privateKeyPath } : {}),
          ...(env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {}),
          knownHostsPath: ssh.knownHostsPath,
          strictHostKeys: ssh.strictHostKeys,
          connectTimeoutMs: ssh.connectTimeout,
          log: log.child({ component: 'ssh' }),
          ...(onHostKeyLearned ? { onHostKeyLearned } : {}),
        }),
      ),
    };
  },
  async chatSurfaces({ config, store, log }) {
    const modules = config.chat.console.enabled ? [consoleModule({ store, config, log })] : [];
    const slack = config.chat.slack;
    if (slack.enabled) {
      // Loaded only when enabled: Bolt and its SDKs cost every CLI command startup time otherwise.
      const { slackModule } = await import('../adapters/slack/slack-module.ts');
      modules.push(await slackModule({ slack, store, log }));
    }
    return modules;
  },
};

export const main = async (argv: string[]): Promise<number> =>
  runCli(argv, {
    platform,
    io: { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd(), isTty: Boolean(process.stderr.isTTY) },
  });

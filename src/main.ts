/**
 * Composition root: the only module that imports adapters. It builds the Platform (the outside
 * world as ports, declared in ./platform.ts) and hands it to the CLI; it decides nothing itself.
 *
 * The startup path; each file imports only the ones below it, none imports back up:
 *   bin/patchbot.js               runs dist/ when built and current (tsx on the sources otherwise), calls main(argv)
 *   src/main.ts  main()           reads the environment once, builds the Platform, calls runCli
 *   src/cli/run-cli.ts            parses argv, runs the command it names (src/cli/commands/)
 *   src/cli/commands/start.ts     `patchbot start`: locks the embedded store, calls startService,
 *                                 stops it on SIGTERM or SIGINT
 *   src/service/start-service.ts  opens the store; starts the runtime, the cron schedules and the
 *                                 one HTTP server (probes, metrics, chat surfaces, webhooks)
 *   src/service/runtime.ts        syncs config into the store; queue, executors, playbooks, chat
 *                                 hub, discovery, rollout and ticket-sync workers (`scan` builds one too)
 * A command run next to a service that holds the embedded store (`patchbot ask …`) is sent to the
 * service's local API (src/service/local-api.ts), which runs it through the LocalCommands that
 * `start` handed over: the same CLI, on the service's runtime. The service never imports the CLI.
 */
import type { ConsoleHistory } from '../adapters/console/console-history.ts';
import { LocalExecutor } from '../adapters/local/local-executor.ts';
import { parseStoreUrl } from '../adapters/postgres/store-url.ts';
import { runCli } from './cli/run-cli.ts';
import { readEnv } from './config/env.ts';
import { NO_SSH_CREDENTIALS } from './config/ssh-warnings.ts';
import type { Card } from './chat/card.ts';
import { patchbotStore } from './patchbot-store.ts';
import type { ChatCheck, Platform } from './platform.ts';
import { type Executor, ExecutionError } from './playbooks/executor.ts';
import { PatchbotError } from './shared/errors.ts';
import type { Config } from './config/schema.ts';
import type { Logger } from './shared/logger.ts';
import type { ItsmModule } from './tickets/itsm-module.ts';
import { noneTicketing } from './tickets/none.ts';

/**
 * The SSH executor is built on first use: an inventory of only local hosts needs no key, and a
 * missing key then shows up per host ("auth-failed: set execution.ssh.privateKeyPath …") rather
 * than stopping the service.
 */
const lazyExecutor = (build: () => Promise<Executor>): Executor => {
  let built: Executor | null = null;
  return {
    async open(host) {
      try {
        built ??= await build();
      } catch (error) {
        throw new ExecutionError('auth-failed', host.name, error instanceof PatchbotError ? error.message : String(error));
      }
      return built.open(host);
    },
    close: async () => built?.close(),
  };
};

/**
 * The ITSM of `itsm.kind`, its webhook verifier bound to the configured secret (ticket sync,
 * DESIGN §6). Loaded only when chosen: axios costs every CLI command startup time otherwise.
 */
const itsmModule = async ({ itsm }: Config, log: Logger): Promise<ItsmModule> => {
  log.debug({ itsm: itsm.kind }, 'ticketing adapter chosen');
  if (itsm.kind === 'servicenow') {
    const [{ serviceNowTicketing }, { verifyServiceNowWebhook }] = await Promise.all([import('../adapters/servicenow/servicenow-ticketing.ts'), import('../adapters/servicenow/webhook.ts')]);
    const sn = itsm.servicenow;
    return { ticketing: serviceNowTicketing(sn), verifyWebhook: (headers, body) => verifyServiceNowWebhook(headers, body, sn.webhookSecret), pollIntervalMs: sn.pollInterval };
  }
  if (itsm.kind === 'jira') {
    const [{ jiraTicketing }, { verifyJiraWebhook }] = await Promise.all([import('../adapters/jira/jira-ticketing.ts'), import('../adapters/jira/webhook.ts')]);
    const jira = itsm.jira;
    return { ticketing: jiraTicketing(jira), verifyWebhook: (headers, body) => verifyJiraWebhook(headers, body, jira.webhookSecret), pollIntervalMs: jira.pollInterval };
  }
  return {
    ticketing: noneTicketing(),
    verifyWebhook: () => ({ ok: false, refusal: 'not-configured', message: 'itsm.kind is none: there is no ITSM to take webhooks from' }),
    pollIntervalMs: null,
  };
};

/**
 * The console's history, per opened store: it is the console's own port, not a feature's, so it
 * travels from openStore to chatSurfaces here rather than inside the store every feature sees.
 */
const consoleHistories = new WeakMap<object, ConsoleHistory>();

/**
 * `config check --connect` for chat: each enabled surface's credentials tried against its
 * service, as startup would, without mounting anything. Lines to print; throws with what is wrong.
 */
/** Each enabled chat surface's credential check (as startup does), run one by one so one failing hides no other. */
const chatChecks = (config: Config, log: Logger): ChatCheck[] => {
  const checks: ChatCheck[] = [];
  if (config.chat.console.enabled) checks.push({ surface: 'console', run: async () => ['served by patchbot itself, nothing to reach'] });
  const slack = config.chat.slack;
  if (slack.enabled)
    checks.push({
      surface: 'slack',
      async run() {
        // Loaded only when enabled, as the surfaces are.
        const { checkAppToken, checkBotToken } = await import('../adapters/slack/startup-checks.ts');
        const bot = await checkBotToken(slack.botToken, slack.apiUrl, log);
        const lines = [`bot token accepted (bot user ${bot.botUserId}${bot.team ? `, workspace ${bot.team}` : ''})`];
        if (slack.appToken) {
          await checkAppToken(slack.appToken, slack.apiUrl, log);
          lines.push('app-level token accepted (Socket Mode)');
        }
        return lines;
      },
    });
  const teams = config.chat.teams;
  if (teams.enabled)
    checks.push({
      surface: 'teams',
      async run() {
        const { checkTeamsCredentials } = await import('../adapters/teams/teams-module.ts');
        await checkTeamsCredentials(teams);
        return [`Bot Framework token issued for app ${teams.appId}`];
      },
    });
  return checks;
};

const inMemory = (url: string): boolean => {
  const location = parseStoreUrl(url);
  return location.engine === 'pglite' && location.dataDir === null;
};

/** What main() leaves at its defaults and the test suite sets. */
export interface PlatformOptions {
  /**
   * A dumped, migrated database each in-memory PGlite store (`pglite://memory`) starts from,
   * instead of running initdb and every migration: a few seconds of CPU per store, and the test
   * suite opens dozens of them.
   */
  memoryTemplate?: () => Blob;
}

/**
 * The adapters behind every port. `env` is the process environment, read once by main(). Each
 * adapter is imported when its port is first used, so a command loads only what it touches
 * (`--help` and `config check` load no store, no SSH, no pg-boss).
 */
export const createPlatform = (env: Record<string, string | undefined>, options: PlatformOptions = {}): Platform => ({
  async openStore(url, { migrate: applyMigrations }) {
    const [{ openStore }, { migrate, migrationStatus }, { consoleMessageRepository }] = await Promise.all([
      import('../adapters/postgres/open-store.ts'),
      import('../adapters/postgres/migrate.ts'),
      import('../adapters/postgres/console-messages.ts'),
    ]);
    const template = options.memoryTemplate && inMemory(url) ? options.memoryTemplate() : undefined;
    const opened = await openStore(url, { migrate: applyMigrations, ...(template ? { template } : {}) });
    const store = patchbotStore(opened.store);
    consoleHistories.set(store, consoleMessageRepository<Card>(opened.sql));
    return {
      store,
      engine: opened.sql.engine,
      applied: opened.migration?.applied ?? [],
      tightened: opened.tightened,
      migrationStatus: () => migrationStatus(opened.sql),
      migrate: async () => (await migrate(opened.sql)).applied,
      startQueue: async (reports) => (await import('../adapters/postgres/pg-boss-queue.ts')).startPgBossQueue({ sql: opened.sql, reports }),
      onLost: (listener) => opened.sql.onLost?.(listener),
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
      ssh: lazyExecutor(async () => {
        // Said in patchbot's words (config check and start warn the same): the host was never tried.
        if (!ssh.privateKeyPath && !env.SSH_AUTH_SOCK) throw new PatchbotError('ssh-no-credentials', `${NO_SSH_CREDENTIALS}; the host was not contacted`);
        return (await import('../adapters/ssh/ssh-executor.ts')).createSshExecutor({
          ...(ssh.privateKeyPath ? { privateKeyPath: ssh.privateKeyPath } : {}),
          ...(env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {}),
          knownHostsPath: ssh.knownHostsPath,
          strictHostKeys: ssh.strictHostKeys,
          connectTimeoutMs: ssh.connectTimeout,
          log: log.child({ component: 'ssh' }),
          ...(onHostKeyLearned ? { onHostKeyLearned } : {}),
        });
      }),
    };
  },
  async chatSurfaces({ config, store, log }) {
    const history = consoleHistories.get(store);
    if (config.chat.console.enabled && !history) throw new Error('the console needs a store opened by this platform (platform.openStore)');
    const modules = config.chat.console.enabled && history ? [(await import('../adapters/console/console-module.ts')).consoleModule({ store, history, config, log })] : [];
    const slack = config.chat.slack;
    if (slack.enabled) {
      // Loaded only when enabled: Bolt and its SDKs cost every CLI command startup time otherwise.
      const { slackModule } = await import('../adapters/slack/slack-module.ts');
      modules.push(await slackModule({ slack, store, log }));
    }
    const teams = config.chat.teams;
    if (teams.enabled) {
      const { teamsModule } = await import('../adapters/teams/teams-module.ts');
      modules.push(await teamsModule({ teams, store, log }));
    }
    return modules;
  },
  ticketing: itsmModule,
  chatChecks,
});

export const main = async (argv: string[]): Promise<number> => {
  const env = readEnv();
  return runCli(argv, {
    platform: createPlatform(env),
    io: { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd(), isTty: Boolean(process.stderr.isTTY) },
  });
};

import { type Command, EXIT } from '../command.ts';

export const configCheck: Command = {
  path: ['config', 'check'],
  summary: 'validate the configuration and list every problem with its path',
  usage: 'Usage: patchbot config check [--config FILE…] [--print] [--connect]',
  options: {
    print: { type: 'boolean', description: 'print the effective configuration, secrets redacted' },
    connect: { type: 'boolean', description: 'also reach the configured store, chat services and ITSM, and report each' },
  },
  usesStore: false,
  async run({ values, io, deps, config: loaded, log }) {
    const files = io.env.PATCHBOT_CONFIG?.split(':').filter(Boolean) ?? [];
    const given = (values.config as string[] | undefined) ?? files;
    // Loaded here: listing the commands (help) should not load zod and yaml.
    const { checkConfig } = await import('../../config/check.ts');
    const result = await checkConfig({ files: given, env: io.env, cwd: io.cwd });
    if (!result.ok) {
      io.stderr.write(`Configuration is invalid (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}):\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return EXIT.failure;
    }
    for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write(`Configuration is valid.\n${result.summary.map((line) => `  ${line}`).join('\n')}\n`);
    if (values.connect) {
      const { runConnectChecks } = await import('./config-connect.ts');
      const report = await runConnectChecks(await loaded(), { platform: deps.platform, log: await log() });
      io.stdout.write(`Connections:\n${report.lines.map((line) => `  ${line}`).join('\n')}\n`);
      if (!report.ok) return EXIT.failure;
    }
    if (values.print) {
      const [{ loadConfig }, { redactConfig }] = await Promise.all([import('../../config/load.ts'), import('../../config/secrets.ts')]);
      const { config } = await loadConfig({ files: given, env: io.env, cwd: io.cwd });
      io.stdout.write(`${JSON.stringify(redactConfig(config), null, 2)}\n`);
    }
    return EXIT.ok;
  },
};

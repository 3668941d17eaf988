import type { Command } from './command.ts';

export const globalHelp = (commands: Command[]): string => {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'patchbot — chat-ops for patch management',
    '',
    'Usage: patchbot <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Every command takes --config FILE (repeatable; default: $PATCHBOT_CONFIG, then config/default.yaml) and --help.',
    'patchbot --version prints the version.',
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
    '',
  ].join('\n');
};

export const commandHelp = (command: Command): string => {
  const options = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag.padEnd(26)} ${spec.description}`;
  });
  return [
    `patchbot ${command.path.join(' ')} — ${command.summary}`,
    '',
    command.usage,
    '',
    'Options:',
    ...options,
    `  ${'-c, --config <file>'.padEnd(26)} config file (repeatable; default $PATCHBOT_CONFIG)`,
    `  ${'-h, --help'.padEnd(26)} show this help`,
    '',
  ].join('\n');
};

import { type Command, EXIT } from '../command.ts';

/**
 * A command whose feature lands with a later issue. It is listed, takes --help, and says plainly
 * that it is not there yet rather than pretending to work.
 */
export const notYet = (path: string[], summary: string, usage: string, issue: number, positionals: string): Command => ({
  path,
  summary: `${summary} (coming with issue #${issue})`,
  usage: `Usage: ${usage}`,
  options: { json: { type: 'boolean', description: 'structured output' }, group: { type: 'string', description: 'group' }, host: { type: 'string', description: 'host' }, format: { type: 'string', description: 'output format' }, as: { type: 'string', description: 'act as this configured person' } },
  positionals: JSON.parse(positionals.replace('Infinity', '1e9')) as [number, number],
  usesStore: false,
  async run({ io }) {
    io.stderr.write(`patchbot ${path.join(' ')} is not available yet: it arrives with issue #${issue}. Nothing was done.\n`);
    return EXIT.failure;
  },
});

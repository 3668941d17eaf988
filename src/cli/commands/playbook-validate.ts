import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, EXIT } from '../command.ts';

/** A folder stands for its *.yaml files, so `patchbot playbook validate playbooks/` checks the lot. */
async function expand(args: string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    const info = await stat(resolve(cwd, arg)).catch(() => null);
    if (info?.isDirectory()) {
      const names = (await readdir(resolve(cwd, arg))).filter((n) => /\.ya?ml$/.test(n)).sort();
      files.push(...names.map((n) => join(arg, n)));
    } else files.push(arg);
  }
  return files;
}

export const playbookValidate: Command = {
  path: ['playbook', 'validate'],
  summary: 'validate playbook files: YAML, schema, parameters and placeholders',
  usage:
    'Usage: patchbot playbook validate FILE|DIR…\nPrints OK <file> per valid file and <file>: <field.path>: <message> per problem.\nExit 0 when all are valid, 1 when any is not, 2 on usage errors.',
  options: {},
  positionals: [1, Number.POSITIVE_INFINITY],
  usesStore: false,
  async run({ positionals, io }) {
    const files = await expand(positionals, io.cwd);
    if (files.length === 0) {
      io.stderr.write(`patchbot playbook validate: no .yaml files in ${positionals.join(', ')}\n`);
      return EXIT.usage;
    }
    const { validatePlaybookFiles } = await import('../../playbooks/load-playbooks.ts');
    const results = await validatePlaybookFiles(files, io.cwd);
    for (const result of results) {
      if (result.problems.length === 0) io.stdout.write(`OK ${result.file}\n`);
      else io.stdout.write(`${result.problems.join('\n')}\n`);
    }
    return results.every((r) => r.problems.length === 0) ? EXIT.ok : EXIT.failure;
  },
};

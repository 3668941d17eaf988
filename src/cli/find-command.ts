import { closestMatches, levenshtein } from '../shared/closest-matches.ts';
import type { Command } from './command.ts';

/** The longest command path that prefixes argv: `audit verify x` → audit verify. */
export const findCommand = (commands: Command[], argv: string[]): { command: Command; rest: string[] } | null => {
  const matches = commands.filter((c) => c.path.every((word, i) => argv[i] === word)).sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  return command ? { command, rest: argv.slice(command.path.length) } : null;
};

/** The closest names, only the nearest of them: `--jsn` means --json, not --as as well. */
const nearest = (word: string, candidates: Iterable<string>): string[] => {
  const close = closestMatches(word, candidates).map((name) => ({ name, distance: levenshtein(word, name) }));
  const best = Math.min(...close.map((c) => c.distance));
  return close.filter((c) => c.distance === best).map((c) => c.name);
};

const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(' or ');

const listing = (commands: Command[]) => {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return commands.map((c) => `  patchbot ${c.path.join(' ').padEnd(width)}  ${c.summary}\n`).join('');
};

/**
 * What to say when argv names no command: a command group without (or with a mistyped)
 * subcommand lists the group's commands; a mistyped command gets the closest names. Both are usage
 * errors (exit 2); a bare group's listing goes to stdout like bare `patchbot`'s help.
 */
export const noCommand = (commands: Command[], argv: string[]): { stdout: string; stderr: string } => {
  const [first = '', second] = argv;
  const group = commands.filter((c) => c.path.length > 1 && c.path[0] === first);
  if (group.length && (second === undefined || second.startsWith('-'))) {
    return { stdout: `patchbot ${first} needs a command:\n${listing(group)}`, stderr: '' };
  }
  if (group.length) {
    const close = nearest(
      second!,
      group.map((c) => c.path[1]!),
    );
    const hint = close.length ? `; did you mean ${quoted(close.map((word) => `${first} ${word}`))}?` : '.';
    return { stdout: '', stderr: `patchbot: unknown command "${first} ${second}"${hint} The ${first} commands:\n${listing(group)}` };
  }
  const close = nearest(first, new Set(commands.map((c) => c.path[0]!)));
  const hint = close.length ? `; did you mean ${quoted(close)}?` : '.';
  return { stdout: '', stderr: `patchbot: unknown command "${first}"${hint} Run "patchbot --help" for the list.\n` };
};

const flag = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);

/**
 * node:util parseArgs's errors in our words: its unknown-option text advises `-- "--jsn"` (with an
 * unbalanced quote), which is never what someone who typed --jsn meant.
 */
export const optionProblem = (error: Error & { code?: string }, options: Record<string, { type: string; short?: string }>): string => {
  const names = Object.keys(options);
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /Unknown option '(-{1,2})([^'=]+)/.exec(error.message) : null;
  if (unknown) {
    const given = `${unknown[1]}${unknown[2]}`;
    const close = unknown[1] === '--' ? nearest(unknown[2]!, names) : [];
    const hint = close.length ? `; did you mean ${close.map(flag).join(' or ')}?` : '.';
    return `unknown option ${given}${hint} Options: ${names.map(flag).join(', ')}.`;
  }
  const missing = /^Option '(?:-\w, )?--([\w-]+) <value>' argument missing/.exec(error.message);
  if (missing) return `--${missing[1]} needs a value.`;
  const noValue = /^Option '(?:-\w, )?--([\w-]+)' does not take an argument/.exec(error.message);
  if (noValue) return `--${noValue[1]} takes no value.`;
  return error.message;
};

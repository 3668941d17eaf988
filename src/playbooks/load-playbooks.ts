import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { PlaybookInvalidError } from './errors.ts';
import { formatIssues } from './format-issues.ts';
import { Playbook } from './playbook.ts';

export interface PlaybookFileResult {
  file: string;
  /** Set when the file has no problems. */
  playbook?: Playbook;
  /** `<file>: <field.path>: <message>`, or `<file>:<line>:<col>: <message>` for YAML syntax. */
  problems: string[];
}

export interface PlaybookCatalog {
  dir: string;
  /** By playbook name. */
  playbooks: ReadonlyMap<string, Playbook>;
}

/**
 * One file: YAML syntax, then the schema. Never throws for bad content; I/O errors are problems
 * too. `file` is reported as given and read relative to `cwd`.
 */
export async function validatePlaybookFile(file: string, cwd = process.cwd()): Promise<PlaybookFileResult> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    return { file, problems: [`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] };
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    return {
      file,
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return at ? `${file}:${at.line}:${at.col}: ${message}` : `${file}: ${message}`;
      }),
    };
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { file, problems: [`${file}: (top): expected a mapping with name, description, os and steps`] };
  }
  const parsed = Playbook.safeParse(value);
  if (!parsed.success) return { file, problems: formatIssues(parsed.error.issues).map((line) => `${file}: ${line}`) };
  return { file, playbook: parsed.data, problems: [] };
}

/**
 * Validates files as one set, reporting all problems at once: each file's own, then the rules
 * across files (the name is the file name, names are unique, a rollback reference exists —
 * looked up among the set and next to the file).
 */
export async function validatePlaybookFiles(files: readonly string[], cwd = process.cwd()): Promise<PlaybookFileResult[]> {
  const results = await Promise.all(files.map((file) => validatePlaybookFile(file, cwd)));
  const byName = new Map<string, PlaybookFileResult>();
  for (const result of results) {
    const book = result.playbook;
    if (!book) continue;
    const stem = basename(result.file).replace(/\.ya?ml$/, '');
    if (book.name !== stem) result.problems.push(`${result.file}: name: is ${book.name} but the file is ${basename(result.file)}; name the file ${book.name}.yaml`);
    const twin = byName.get(book.name);
    if (twin) result.problems.push(`${result.file}: name: ${book.name} is also the name of ${twin.file}`);
    else byName.set(book.name, result);
  }
  for (const result of results) {
    const ref = result.playbook?.rollback;
    if (typeof ref !== 'string') continue;
    const target = byName.get(ref)?.playbook;
    if (target && target.kind !== 'rollback') result.problems.push(`${result.file}: rollback: ${ref} is a ${target.kind} playbook, not a rollback playbook`);
    const sibling = join(dirname(result.file), `${ref}.yaml`);
    if (!target && !existsSync(resolve(cwd, sibling))) result.problems.push(`${result.file}: rollback: no playbook named ${ref} (expected ${sibling})`);
  }
  for (const result of results) if (result.problems.length) delete result.playbook;
  return results;
}

/** Every `*.yaml` (and `*.yml`) in `dir` (config `playbooks.dir`); throws with every problem found. */
export async function loadPlaybooks(dir: string): Promise<PlaybookCatalog> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (error) {
    throw new PlaybookInvalidError(dir, [`${dir}: cannot read the playbook folder: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  const results = await validatePlaybookFiles(names.map((n) => join(dir, n)));
  const problems = results.flatMap((r) => r.problems);
  if (problems.length) throw new PlaybookInvalidError(dir, problems);
  return { dir, playbooks: new Map(results.map((r) => [r.playbook!.name, r.playbook!])) };
}

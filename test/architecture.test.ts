import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** DESIGN §2: the core speaks patch management and knows no vendor; only src/main.ts wires adapters. */

const ROOT = join(import.meta.dirname, '..');
const VENDORS = [/^@slack\//, /^botbuilder/, /^botframework-/, /^@azure\//, /^axios$/, /^ssh2$/, /^pg$/, /^pg-/, /^@electric-sql\//, /^graphile-worker$/, /^mongoose$/, /^playwright/];

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const importsOf = (text: string): string[] => [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);

/** The files `file` imports from this repository (relative specifiers that exist), as paths from the root. */
const localImportsOf = (file: string): string[] =>
  importsOf(readFileSync(file, 'utf8'))
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec))
    .filter((target) => existsSync(target))
    .map((target) => relative(ROOT, target));

/** Strongly connected components of more than one file (or a file importing itself): the import cycles. */
const cyclesOf = (graph: Map<string, string[]>): string[][] => {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
};

describe('architecture', () => {
  const files = sourceFiles(join(ROOT, 'src')).filter((f) => !f.endsWith('.test.ts'));

  it('finds the sources it guards', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(importsOf(`import pg from 'pg';\nexport { x } from "../adapters/y.ts";\nawait import('ssh2')`)).toEqual(['pg', '../adapters/y.ts', 'ssh2']);
  });

  it('keeps vendor SDKs out of src/', () => {
    const offenders = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((spec) => VENDORS.some((v) => v.test(spec)))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('lets only src/main.ts import adapters/', () => {
    const offenders = files
      .filter((file) => relative(ROOT, file) !== 'src/main.ts')
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter((spec) => /(^|\/)adapters\//.test(spec))
          .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps the Bot Framework SDK inside adapters/teams, so moving to its successor touches one folder', () => {
    const bot = /^(botbuilder|botframework-|@azure\/msal)/;
    const everywhere = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'adapters')), ...sourceFiles(join(ROOT, 'bin'))];
    const offenders = everywhere
      .filter((file) => !relative(ROOT, file).startsWith('adapters/teams/'))
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter((spec) => bot.test(spec))
          .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
      );
    expect(offenders).toEqual([]);
    // And nothing outside the folder names a type from inside it other than the module.
    const reachIn = everywhere
      .filter((file) => !relative(ROOT, file).startsWith('adapters/teams/'))
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter((spec) => /adapters\/teams\/(?!teams-module\.ts$)/.test(spec))
          .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
      );
    expect(reachIn).toEqual([]);
  });

  it('keeps adapters out of src/service/: they implement ports, the service is what uses them', () => {
    const offenders = sourceFiles(join(ROOT, 'adapters')).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => target.startsWith('src/service/'))
        .map((target) => `${relative(ROOT, file)} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keeps each adapter to its own folder: adapters are leaves, wired together only by src/main.ts', () => {
    const folderOf = (path: string) => path.split('/').slice(0, 2).join('/');
    const offenders = sourceFiles(join(ROOT, 'adapters')).flatMap((file) => {
      const own = folderOf(relative(ROOT, file));
      return localImportsOf(file)
        .filter((target) => target.startsWith('adapters/') && folderOf(target) !== own)
        .map((target) => `${relative(ROOT, file)} imports ${target}`);
    });
    expect(offenders).toEqual([]);
  });

  it('keeps src/store free of features: only feature-free store primitives live there', () => {
    const offenders = sourceFiles(join(ROOT, 'src/store')).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => !target.startsWith('src/store/'))
        .map((target) => `${relative(ROOT, file)} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('lets tickets import changes, never changes import tickets', () => {
    // Ticket sync follows changes (it drafts, votes and moves them); changes tell their followers
    // through src/changes/change-moves.ts, so they need no ticket.
    const offenders = sourceFiles(join(ROOT, 'src/changes')).flatMap((file) =>
      localImportsOf(file)
        .filter((target) => target.startsWith('src/tickets/'))
        .map((target) => `${relative(ROOT, file)} imports ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('has no import cycles in src/ and adapters/, type-only and lazy imports included', () => {
    const all = [...sourceFiles(join(ROOT, 'src')), ...sourceFiles(join(ROOT, 'adapters'))];
    const graph = new Map(all.map((file) => [relative(ROOT, file), localImportsOf(file)]));
    expect(cyclesOf(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
      ['e', ['e']],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });
});

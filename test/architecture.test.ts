import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);

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
      .flatMap((file) => importsOf(readFileSync(file, 'utf8')).filter((spec) => /adapters\/teams\/(?!teams-module\.ts$)/.test(spec)).map((spec) => `${relative(ROOT, file)} imports ${spec}`));
    expect(reachIn).toEqual([]);
  });
});

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The simulated tools are TypeScript (tools/*.ts, type-checked and linted with the rest) but run
 * on the "hosts" under plain node: tsx would add ~250 ms to every apt-get call, and a playbook
 * step is one SSH exec that may call several tools. So each fleet gets them transpiled once
 * (per test process) into `<fleet>/tools/*.js`.
 */
const SOURCE = join(import.meta.dirname, 'tools');
let cache: Map<string, string> | null = null;

const transpiled = (): Map<string, string> => {
  if (cache) return cache;
  cache = new Map();
  for (const file of readdirSync(SOURCE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(SOURCE, file), 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true, verbatimModuleSyntax: true },
    });
    cache.set(file.replace(/\.ts$/, '.js'), outputText);
  }
  return cache;
};

/** Writes the tools into `dir`; returns the path of their entry point (tools/main.ts). */
export function buildTools(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [file, text] of transpiled()) writeFileSync(join(dir, file), text);
  return join(dir, 'main.js');
}

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * The simulated tools are TypeScript (tools/*.ts, type-checked and linted with the rest) but run
 * on the "hosts" under plain node: tsx would add ~250 ms to every apt-get call, and a playbook
 * step is one SSH exec that may call several tools. So they are transpiled once per test run
 * (test/global-setup.ts) into `outDir`, which each fleet copies (build-tools.ts): loading the
 * TypeScript compiler cost every test process that started a fleet 1–3 s.
 */
const SOURCE = join(import.meta.dirname, 'tools');

export function transpileTools(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  for (const file of readdirSync(SOURCE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(SOURCE, file), 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, rewriteRelativeImportExtensions: true, verbatimModuleSyntax: true },
    });
    writeFileSync(join(outDir, file.replace(/\.ts$/, '.js')), outputText);
  }
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Where tests live (issue #12): a pure unit test sits beside its code as `x.test.ts`; a test that
 * starts a server, sshd, a database (PGlite included), a browser, the service or the CLI as a
 * process lives under test/, as does all test support. The image ships neither.
 */

const ROOT = join(import.meta.dirname, '..');
const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
const shipped = [...filesUnder('src'), ...filesUnder('adapters')];
const isTest = (file: string) => file.endsWith('.test.ts');

/** What a unit test beside its code may not use: each starts a server, a database, sshd, a browser or the service. */
const INTEGRATION = [
  /test\/support\/(engines|sshd|postgres-cluster|process|cli|seed|platform|fake-[a-z]+(\.ts|\/index\.ts)|fakes\/http-fake|fleet\/)/,
  /test\/console\/support\//,
  /adapters\/postgres\/(open-store|pglite)/,
  /src\/(main|platform)\.ts$/,
  /src\/service\//,
  /^playwright/,
];

/** Docker's .dockerignore matching, enough for the patterns we write: `**`, `*`, and a bare directory. */
const ignoredBy = (patterns: string[]) => (path: string) =>
  patterns.some((pattern) => {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .split('**/')
      .map((part) => part.replace(/\*/g, '[^/]*'))
      .join('(?:.*/)?');
    return new RegExp(`^${source}(?:/.*)?$`).test(path);
  });

describe('test placement', () => {
  it('keeps test code out of what ships: no test-only module in src/ or adapters/, none imported from test/', () => {
    expect(shipped.length).toBeGreaterThan(50);
    const offenders = shipped
      .filter((file) => !isTest(file))
      .flatMap((file) => [
        ...(/(^|\/)test-[^/]*\.ts$|fixtures?\.ts$/.test(file) ? [`${file} is test code`] : []),
        ...importsOf(file)
          .filter((spec) => /(^|\/)test\//.test(spec))
          .map((spec) => `${file} imports ${spec}`),
      ]);
    expect(offenders).toEqual([]);
  });

  it('keeps only pure unit tests beside the code', () => {
    expect(['../../test/support/engines.ts', '../test/support/fake-jira.ts', '../../src/main.ts'].every((spec) => INTEGRATION.some((rule) => rule.test(spec)))).toBe(true);
    const offenders = shipped.filter(isTest).flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return [
        ...importsOf(file)
          .filter((spec) => INTEGRATION.some((rule) => rule.test(spec)))
          .map((spec) => `${file} imports ${spec}`),
        ...(/\.listen\(/.test(text) ? [`${file} starts a server`] : []),
      ];
    });
    expect(offenders).toEqual([]);
  });

  it('builds the image without tests or test support', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied).toEqual(expect.arrayContaining(['src', 'adapters']));
    const ignored = ignoredBy(
      readFileSync(join(ROOT, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
    const inContext = (file: string) => copied.some((source) => file === source || file.startsWith(`${source}/`)) && !ignored(file);
    const tests = [...shipped.filter(isTest), ...filesUnder('test')];
    expect(tests.length).toBeGreaterThan(100);
    expect(tests.filter(inContext)).toEqual([]);
    expect(shipped.filter((file) => !isTest(file)).every(inContext)).toBe(true);
    expect(ignored('test/support/until.ts') && ignored('src/chat/card.test.ts') && !ignored('src/chat/card.ts')).toBe(true);
  });
});

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatIssues } from './format-issues.ts';
import { loadPlaybooks, validatePlaybookFiles } from './load-playbooks.ts';
import { Playbook } from './playbook.ts';

const SHIPPED = join(import.meta.dirname, '..', '..', 'playbooks');
const dir = mkdtempSync(join(tmpdir(), 'patchbot-playbooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** The problems of one YAML text, as `<path>: <message>` lines. */
const problemsOf = (text: string): string[] => {
  const parsed = Playbook.safeParse(parse(text));
  return parsed.success ? [] : formatIssues(parsed.error.issues);
};

const minimal = (extra: string) => `name: apply-test\ndescription: test\nos: [debian]\n${extra}`;

describe('shipped playbooks', () => {
  const files = readdirSync(SHIPPED)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(SHIPPED, f));

  it('are the ones DESIGN §4 names, and every one validates', async () => {
    const names = files.map((f) => f.split('/').at(-1)!.replace('.yaml', ''));
    expect(names).toEqual(
      expect.arrayContaining([
        'scan-debian',
        'scan-rhel',
        'scan-windows',
        'apply-debian-packages',
        'apply-rhel-advisories',
        'apply-windows-kb',
        'rollback-debian',
        'reboot',
        'smoke-systemd',
        'smoke-http',
      ]),
    );
    const results = await validatePlaybookFiles(files);
    expect(results.flatMap((r) => r.problems)).toEqual([]);
  });

  it('load into a catalog with kinds, read-only flags and parsers', async () => {
    const catalog = await loadPlaybooks(SHIPPED);
    const scan = catalog.playbooks.get('scan-debian')!;
    expect(scan).toMatchObject({ kind: 'scan', readOnly: true, parser: 'apt' });
    expect(catalog.playbooks.get('apply-debian-packages')).toMatchObject({ kind: 'apply', readOnly: false, rollback: 'rollback-debian' });
    expect(catalog.playbooks.get('smoke-http')).toMatchObject({ kind: 'smoke', readOnly: true });
    expect(catalog.playbooks.get('reboot')!.steps).toEqual([{ kind: 'reboot', name: 'reboot', mode: 'always', timeoutMs: 30 * 60_000 }]);
    // Every step has a timeout; the default is 10 minutes.
    for (const book of catalog.playbooks.values()) for (const step of [...book.steps, ...book.smoke]) expect(step.timeoutMs).toBeGreaterThan(0);
  });
});

describe('playbook validation', () => {
  it('reports every problem of a broken file at once, each with file and field path', async () => {
    const file = write(
      'apply-broken.yaml',
      [
        'name: apply-broken',
        'os: [debian, plan9]',
        'params:',
        "  packages: { type: list, item: '[a-z]+' }",
        '  count: { type: number }',
        'steps:',
        '  - name: upgrade',
        '    run: apt-get install -y {{packages}} {{pakages}}',
        '  - name: slow',
        '    run: sleep 1',
        "    timeout: '30'",
        '    tmeout: 5m',
        '  - reboot: sometimes',
        '  - name: quoted',
        "    run: echo '{{packages}}'",
        '    when: { os: [rhel] }',
      ].join('\n'),
    );
    const [result] = await validatePlaybookFiles([file]);
    expect(result!.playbook).toBeUndefined();
    expect(result!.problems).toEqual(
      expect.arrayContaining([
        `${file}: description: say what the playbook does`,
        expect.stringMatching(new RegExp(`^${file}: os\\.1: `)),
        expect.stringMatching(new RegExp(`^${file}: params\\.packages\\.item: anchor the pattern with \\^ and \\$`)),
        `${file}: params.count.type: type must be string, list, int or bool`,
        `${file}: steps.0.run: {{pakages}} names no declared parameter (declared: packages, count)`,
        `${file}: steps.1.timeout: write a duration such as 30m`,
        `${file}: steps.1.tmeout: unknown field; did you mean timeout?`,
        `${file}: steps.2.reboot: write always or if-required`,
        `${file}: steps.3.run: {{packages}} is inside single quotes; write it as a bare word, patchbot quotes the value itself`,
        `${file}: steps.3.when.os.0: rhel is not in the playbook's os list`,
      ]),
    );
    expect(result!.problems.length).toBeGreaterThanOrEqual(10);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const file = write('apply-syntax.yaml', 'name: apply-syntax\ndescription: [unclosed\nos: [debian]\n');
    const [result] = await validatePlaybookFiles([file]);
    expect(result!.problems).toHaveLength(1);
    expect(result!.problems[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
  });

  it('checks names across files: file name, duplicates, rollback references', async () => {
    const a = write('apply-a.yaml', minimal('steps: [{ name: x, run: "true" }]\nrollback: rollback-missing\n').replace('apply-test', 'apply-b'));
    const [result] = await validatePlaybookFiles([a]);
    expect(result!.problems).toEqual([
      `${a}: name: is apply-b but the file is apply-a.yaml; name the file apply-b.yaml`,
      `${a}: rollback: no playbook named rollback-missing (expected ${join(dir, 'rollback-missing.yaml')})`,
    ]);
  });

  it.each([
    ['an undeclared placeholder', minimal('steps: [{ name: x, run: "echo {{nope}}" }]'), 'steps.0.run: {{nope}} names no declared parameter; declare it under params'],
    [
      'a placeholder in double quotes',
      minimal('params: { p: { type: string, pattern: "^a$" } }\nsteps: [{ name: x, run: "echo \\"{{p}}\\"" }]'),
      'steps.0.run: {{p}} is inside double quotes',
    ],
    [
      'a placeholder in a here-document',
      minimal('params: { p: { type: string, pattern: "^a$" } }\nsteps:\n  - name: x\n    run: |\n      cat <<EOF\n      {{p}}\n      EOF\n'),
      'steps.0.run: {{p}} is inside a here-document',
    ],
    [
      "a placeholder right after $ (bash $'…' quoting)",
      minimal('params: { p: { type: string, pattern: "^a$" } }\nsteps: [{ name: x, run: "echo ${{p}}" }]'),
      'steps.0.run: {{p}} follows "$"',
    ],
    ['a malformed placeholder', minimal('steps: [{ name: x, run: "echo {{ p }}" }]'), 'steps.0.run: malformed placeholder'],
    ['an unterminated quote', minimal('steps: [{ name: x, run: "echo \'oops" }]'), 'steps.0.run: has an unterminated single quote'],
    ['a string parameter without a pattern', minimal('params: { p: { type: string } }\nsteps: [{ name: x, run: "echo {{p}}" }]'), 'params.p.pattern: is required'],
    [
      'a default that fails its own pattern',
      minimal('params: { p: { type: string, pattern: "^[a-z]+$", default: "A;B" } }\nsteps: [{ name: x, run: "echo {{p}}" }]'),
      'params.p.default: does not match the pattern',
    ],
    ['a read-only apply playbook', minimal('readOnly: true\nsteps: [{ name: x, run: "true" }]'), 'readOnly: a apply playbook changes the host'],
    ['a scan without a parser', minimal('steps: [{ name: x, run: "true" }]').replace('apply-test', 'scan-test'), 'parser: a scan names the parser'],
    ['a scan that reboots', minimal('parser: apt\nsteps: [{ reboot: always }]').replace('apply-test', 'scan-test'), 'steps.0: a read-only playbook cannot reboot the host'],
    ['a name that does not say the kind', minimal('steps: [{ name: x, run: "true" }]').replace('apply-test', 'patch-it'), 'kind: the name patch-it does not say what the playbook is'],
    ['sh and PowerShell in one playbook', minimal('steps: [{ name: x, run: "true" }]').replace('[debian]', '[debian, windows]'), 'os: a playbook runs either PowerShell (windows) or sh'],
    ['a retries count out of range', minimal('steps: [{ name: x, run: "true", retries: 11 }]'), 'steps.0.retries: at most 10'],
  ])('refuses %s', (_what, text, expected) => {
    expect(problemsOf(text).join('\n')).toContain(expected);
  });

  it('infers kind and readOnly from the name, and defaults timeouts', () => {
    const book = Playbook.parse(parse('name: smoke-x\ndescription: d\nos: [debian]\nsteps: [{ name: check, run: "true" }]'));
    expect(book).toMatchObject({ kind: 'smoke', readOnly: true, params: {}, smoke: [] });
    expect(book.steps[0]).toEqual({ kind: 'run', name: 'check', run: 'true', retries: 0, timeoutMs: 600_000 });
    const named = Playbook.parse(parse('name: patch-it\nkind: apply\ndescription: d\nos: [debian]\nsteps: [{ name: x, run: "true", timeout: 90s }]'));
    expect(named).toMatchObject({ kind: 'apply', readOnly: false, steps: [{ timeoutMs: 90_000 }] });
  });
});

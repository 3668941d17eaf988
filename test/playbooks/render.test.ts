import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LocalExecutor } from '../../adapters/local/local-executor.ts';
import { Host } from '../../src/inventory/host.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { PlaybookParamError } from '../../src/playbooks/errors.ts';
import { Playbook } from '../../src/playbooks/playbook.ts';
import { encodePowerShell, POWERSHELL_PRELUDE, psQuote, shQuote } from '../../src/playbooks/quote.ts';
import { type ParamValue, renderCommand, renderParams } from '../../src/playbooks/render.ts';
import { runPlaybook } from '../../src/playbooks/run-playbook.ts';

const log = createLogger({ level: 'silent' });
const host = Host.parse({ name: 'this-machine', address: '127.0.0.1', os: 'debian', connection: 'local' });
const executor = new LocalExecutor();
const dir = mkdtempSync(join(tmpdir(), 'patchbot-render-'));
const CANARY = join(dir, 'canary');
afterAll(async () => {
  await executor.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Two walls: `loose` lets anything through its pattern (so only quoting stands between a value
 * and the shell), `debian` is the real package-name pattern (so the pattern refuses first).
 */
const playbook = Playbook.parse(
  parse(`
name: smoke-echo
description: prints its parameters, one per line
os: [debian, ubuntu]
params:
  loose: { type: list, item: '^.*$', required: false }
  debian: { type: list, item: '^[a-z0-9][a-z0-9+.-]+$', required: false }
  one: { type: string, pattern: '^.*$', required: false }
steps:
  - name: print
    run: printf '[%s]\\n' {{loose}} {{debian}} {{one}}
    timeout: 10s
`),
);

const HOSTILE: [string, string][] = [
  ['command separator', `; touch ${CANARY}`],
  ['command substitution', `$(touch ${CANARY})`],
  ['backticks', `\`touch ${CANARY}\``],
  ['single quote break-out', `it's'; touch ${CANARY}; echo '`],
  ['double quotes', `"; touch ${CANARY}; "`],
  ['backslash before a quote', `\\'; touch ${CANARY} #`],
  ['pipe', `| touch ${CANARY}`],
  ['and-list', `&& touch ${CANARY}`],
  ['redirection', `> ${CANARY}`],
  ['glob', '*'],
  ['variable', '$HOME ${PATH}'],
  ['tilde', '~root'],
  ['spaces kept in one word', '  two  words  '],
  ['non-ASCII', 'pâquet–ü'],
  ['empty string', ''],
];

const REFUSED: [string, string, RegExp][] = [
  ['newline', `ok\ntouch ${CANARY}`, /parameter loose: item 1 .* contains a control character/],
  ['carriage return', 'ok\r', /contains a control character/],
  ['NUL', 'ok\u0000', /contains a control character/],
  ['option injection', '--allow-unauthenticated', /parameter loose: item 1 "--allow-unauthenticated" starts with "-", which the command would read as an option/],
  ['short option', '-y', /starts with "-"/],
  ['runaway length', 'a'.repeat(2000), /is longer than 1024 characters/],
];

const runWith = (params: Record<string, ParamValue>) => runPlaybook({ executor, host, playbook, params, dryRun: false, log });

describe('hostile parameters through the real local shell', () => {
  it.each(HOSTILE)('prints a value with %s literally', async (_what, value) => {
    const run = await runWith({ loose: [value, 'second'], one: value });
    expect(run.ok).toBe(true);
    expect(run.steps[0]!.stdoutTail).toBe(`[${value}]\n[second]\n[${value}]\n`);
    expect(existsSync(CANARY)).toBe(false);
  });

  it.each(REFUSED)('refuses a value with a %s before anything runs, naming the parameter', async (_what, value, message) => {
    await expect(runWith({ loose: [value] })).rejects.toThrow(message);
    await expect(runWith({ one: value })).rejects.toBeInstanceOf(PlaybookParamError);
    expect(existsSync(CANARY)).toBe(false);
  });

  it.each([...HOSTILE, ...REFUSED.map(([w, v]) => [w, v] as [string, string])])('the Debian package pattern refuses %s, naming the parameter and the pattern', async (_what, value) => {
    const error = await runWith({ debian: ['openssl', value] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlaybookParamError);
    expect((error as Error).message).toMatch(/^smoke-echo: parameter debian: item 2 /);
    if (![...value].some((c) => c < ' ') && !value.startsWith('-') && value.length <= 1024) expect((error as Error).message).toContain('does not match the pattern ^[a-z0-9][a-z0-9+.-]+$');
    expect(existsSync(CANARY)).toBe(false);
  });

  it('passes real package names through and lists every refused item at once', async () => {
    const run = await runWith({ debian: ['openssl', 'libssl3', 'g++-12'] });
    expect(run.steps[0]!.stdoutTail).toBe('[openssl]\n[libssl3]\n[g++-12]\n');
    const error = (await runWith({ debian: ['Bad', 'ok1', '*'], one: 5 }).catch((e: unknown) => e)) as PlaybookParamError;
    expect(error.problems).toEqual([
      'parameter debian: item 1 "Bad" does not match the pattern ^[a-z0-9][a-z0-9+.-]+$',
      'parameter debian: item 3 "*" does not match the pattern ^[a-z0-9][a-z0-9+.-]+$',
      'parameter one must be a string, got 5',
    ]);
  });

  it('refuses unknown and missing parameters', () => {
    const book = Playbook.parse(
      parse(
        "name: smoke-p\ndescription: d\nos: [debian]\nparams: { url: { type: string, pattern: '^h$' }, n: { type: int, min: 1, max: 3 } }\nsteps: [{ name: x, run: 'echo {{url}} {{n}}' }]",
      ),
    );
    expect(() => renderParams(book, { ulr: 'h', n: 9 }, 'sh')).toThrow('smoke-p: unknown parameter ulr (url, n); parameter url is required; parameter n must be at most 3, got 9');
    expect(renderParams(book, { url: 'h', n: '2' }, 'sh')).toEqual(
      new Map([
        ['url', "'h'"],
        ['n', '2'],
      ]),
    );
  });
});

describe('quoting', () => {
  it('sh: single quotes, a quote closed, escaped and reopened', () => {
    expect(shQuote("it's")).toBe(`'it'\\''s'`);
    expect(shQuote('')).toBe("''");
  });

  it('PowerShell: quotes doubled, typographic quotes too', () => {
    expect(psQuote("it's")).toBe("'it''s'");
    expect(psQuote('a\u2019b')).toBe("'a\u2019\u2019b'");
  });

  it('Windows: lists become a PowerShell array, non-ASCII and options are refused', () => {
    const book = Playbook.parse(
      parse(
        "name: apply-kb\ndescription: d\nos: [windows]\nparams: { kbs: { type: list, item: '^.*$' }, on: { type: bool, default: true } }\nsteps: [{ name: x, run: '$k = @({{kbs}}); if ({{on}}) { $k }' }]",
      ),
    );
    const params = renderParams(book, { kbs: ['KB5034441', "K'B"] }, 'powershell');
    expect(params).toEqual(
      new Map([
        ['kbs', "'KB5034441','K''B'"],
        ['on', '$true'],
      ]),
    );
    expect(() => renderParams(book, { kbs: ['KB\u2019;calc'] }, 'powershell')).toThrow('outside printable ASCII');
    expect(() => renderParams(book, { kbs: ['-EncodedCommand'] }, 'powershell')).toThrow('starts with "-"');
    const rendered = renderCommand(book.name, book.steps[0]!.kind === 'run' ? book.steps[0]!.run : '', params, 'powershell');
    expect(rendered.text).toBe("$k = @('KB5034441','K''B'); if ($true) { $k }");
    expect(rendered.command).toBe(encodePowerShell(rendered.text));
    const encoded = rendered.command.split(' ').at(-1)!;
    expect(Buffer.from(encoded, 'base64').toString('utf16le')).toBe(POWERSHELL_PRELUDE + rendered.text);
    expect(rendered.command.startsWith('powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { ScanParseError } from './scan-result.ts';
import { decodeScanOutput, formatSections, splitSections } from './sections.ts';

const spec = { what: 'test', required: ['a'], optional: ['b'], maxLineLength: 100, maxOutput: 10_000 };

describe('splitSections', () => {
  it('splits bodies and numbers their lines in the whole output', () => {
    const { sections, warnings } = splitSections('h', '### patchbot:a\none\ntwo\n### patchbot:b\n### patchbot:end\n', spec);
    expect(sections.get('a')).toEqual({ name: 'a', firstLine: 2, lines: ['one', 'two'] });
    expect(sections.get('b')).toEqual({ name: 'b', firstLine: 5, lines: [] });
    expect(warnings).toEqual([]);
  });

  it('accepts CRLF, a BOM at the start and at the start of a line, and trailing blanks on a marker', () => {
    const text = '\uFEFF### patchbot:a\r\n\uFEFFone\r\n### patchbot:end  \r\n';
    expect(splitSections('h', Buffer.from(text), spec).sections.get('a')?.lines).toEqual(['one']);
  });

  it('ignores, with a warning, a banner before the first section, text after end and unknown sections', () => {
    const text = 'Welcome to web-01\n\n### patchbot:a\n### patchbot:extra\nx\n### patchbot:end\nlogout\n';
    expect(splitSections('h', text, spec).warnings).toEqual([
      'ignored 2 lines before the first section, starting "Welcome to web-01"',
      'ignored 1 lines after `### patchbot:end`',
      'ignored the unknown section `extra`',
    ]);
  });

  it('ignores a blank preamble silently', () => {
    expect(splitSections('h', '\n\n### patchbot:a\n### patchbot:end', spec).warnings).toEqual([]);
  });

  it.each([
    ['### patchbot:a\n### patchbot:end', undefined],
    ['### patchbot:a\n', 'h: scan output is truncated: no `### patchbot:end` line (last section: a, 0 lines)'],
    ['### patchbot:end\n', 'h: test scan output has no `### patchbot:a` section (found: none)'],
    ['### patchbot:b\n### patchbot:end\n', 'h: test scan output has no `### patchbot:a` section (found: b)'],
    ['### patchbot:a\n### patchbot:a\n### patchbot:end\n', 'h: test output has the section `a` twice (again at line 2)'],
    ['### patchbot:a\n### patchbot:\n', 'h: test output line 2 is a malformed section marker: "### patchbot:"'],
    [
      `### patchbot:a\n${'x'.repeat(101)}\n### patchbot:end\n`,
      'h: test output line 2 is 101 characters long (longest accepted: 100): "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"',
    ],
    ['just text', 'h: scan output has no `### patchbot:` sections; it starts with "just text"'],
  ])('%j → %s', (text, message) => {
    if (message === undefined) expect(() => splitSections('h', text, spec)).not.toThrow();
    else expect(() => splitSections('h', text, spec)).toThrow(new ScanParseError('h', message.slice(3)));
  });
});

describe('decodeScanOutput', () => {
  it('decodes UTF-8 and strips the BOM', () => {
    expect(decodeScanOutput('h', Buffer.from('\uFEFFKumulatives Update für Windows'))).toBe('Kumulatives Update für Windows');
  });

  it('names the first byte that is not UTF-8, counting a BOM', () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFFok\nfine\n'), Buffer.from([0x4b, 0xfc, 0x72])]); // "Kür" in Latin-1
    expect(() => decodeScanOutput('db-02', bytes)).toThrow('db-02: scan output is not valid UTF-8 (first bad byte at offset 12, line 3)');
  });

  it('tells the Windows fix in the hint', () => {
    try {
      decodeScanOutput('h', Buffer.from([0xff, 0xfe, 0x41]));
      expect.unreachable();
    } catch (e) {
      expect((e as ScanParseError).hint).toMatch(/OutputEncoding/);
    }
  });
});

describe('formatSections', () => {
  it('writes the contract, ending with end, and round-trips', () => {
    const text = formatSections([
      ['a', 'one\ntwo'],
      ['b', ''],
    ]);
    expect(text).toBe('### patchbot:a\none\ntwo\n### patchbot:b\n### patchbot:end\n');
    expect(splitSections('h', text, spec).sections.get('a')?.lines).toEqual(['one', 'two']);
  });
});

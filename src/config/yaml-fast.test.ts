import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { parsePlainYaml } from './yaml-fast.ts';

/** Plain data in every form an inventory may be written in: each must take the fast path and give what `yaml` gives. */
const PLAIN: Record<string, string> = {
  'core-schema scalars': [
    'nulls: [~, null, Null, NULL, "~", nulls]',
    'bools: [true, True, TRUE, false, FALSE, yes, no, on, off, y, n, "true"]',
    'ints: [0, 7, -7, +7, 012, 0o17, 0x1F, 0x1f, 1_000, 0b101, -0o17, 99999999999999999999]',
    'floats: [1.5, -1.5, .5, -.5, +.5, 1., 1e3, 1E-3, -1.2e+3, .inf, -.Inf, +.INF, .nan, .NaN, 1_0.5]',
    'text: [2024-01-01, 10.0.0.1, "1", \'0x1F\', 1:30, v1.2, 12h, "", \' \', ., 0o8, 0xG]',
    'empty:',
  ].join('\n'),
  'block style with comments': [
    '# generated from the CMDB',
    'hosts:',
    '  - name: web-01   # the first',
    '    address: 10.0.0.1',
    '    port: 2222',
    '    groups:',
    '      - web',
    '      - "prod eu"',
    '    tags:',
    '      rack: r12',
    '      "with: colon": yes',
    '  -',
    '    name: db-01',
    '    os: debian',
    'groups: []',
  ].join('\n'),
  'quoted scalars and other keys': [
    "single: 'it''s # not a comment'",
    'double: "tab\\there \\u00e9 \\x41 \\"q\\" line\\nbreak"',
    'unicode: ünïcödé ✓',
    '"<<": not a merge key',
    '? explicit key',
    ': its value',
    'nested: { a: [b, { c: "x, y" }], d: {} }  # a comment',
  ].join('\n'),
  'a document marker, CRLF and a BOM': '\uFEFF---\r\nhosts:\r\n  - { name: a, address: 10.0.0.1 }\r\n',
};

/** What only `yaml` can answer for: the fast path must step aside (and `yaml` then reports or resolves it). */
const NOT_PLAIN: Record<string, string> = {
  anchor: 'a: &x { p: 1 }\nb: *x\n',
  tag: 'a: !!str 12\n',
  'local tag': 'a: !host { name: x }\n',
  directive: '%YAML 1.1\n---\na: yes\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'no document': '# nothing\n',
  'duplicate key': 'hosts:\n  - { name: a, name: b }\n',
  'duplicate key, differently quoted': 'a: 1\n"a": 2\n',
  'number key': '1: one\n',
  'null key': '~: nothing\n',
  'bool key': 'true: x\n',
  'collection key': '? [a, b]\n: c\n',
  __proto__: '__proto__: { admin: true }\n',
  'syntax error': 'hosts: [ { name: a\n',
  'bad indentation': 'a:\n  b: 1\n   c: 2\n',
  tab: 'a:\n\tb: 1\n',
  // Read differently by js-yaml and yaml (found by fuzzing): yaml's reading stands.
  'a carriage return alone': 'hosts:\r  - a\n',
  'a tab starting a line': '\t---\nkey: value\n',
  'a tab after indentation': '- ? k\n  \t: v\n',
  'an indented first marker': '  ---\nkey: value\n',
  'a byte-order mark before a dash': '\uFEFF- a\n',
  'a byte-order mark before indentation': '\uFEFF ?\t1, 2, 3]\n',
  'a byte-order mark past the start': 'a: 1\n\uFEFFb: 2\n',
  'an end marker': '# c\n...\nx: y\n',
  'a block scalar': 'a: |+\n  kept\n\n',
  'a folded scalar': 'a: >1-\n  text\n',
  'a one-line block scalar with an indentation indicator': '--- |1\n  >',
  'a plain scalar over two lines': 'a: first\n  second\n',
  'a quoted scalar over two lines': 'a: "first\n  second"\n',
  'a flow collection over two lines': 'hosts: [\n  { name: a } ]\n',
  'a flow mapping closing on the next line': 'a: { b: c,\n  d: e }\n',
  'a collection on the next line inside a flow one': 'a: [b,\n  []]\n',
  'text after a flow collection': 'a: [b] c\n',
  'a key after a flow collection': 'a:\n- {} key1: []\n',
};

/** Random edits (seeded, so a failure repeats) of the PLAIN texts with characters YAML gives meaning to. */
const editedTexts = function* (count: number): Generator<string> {
  const seeds = Object.values(PLAIN);
  const pieces = [
    ' ',
    '\n',
    '\t',
    '\r',
    ':',
    '-',
    '#',
    '"',
    "'",
    '[',
    ']',
    '{',
    '}',
    ',',
    '?',
    '|',
    '>',
    '\\',
    '.',
    '~',
    '&',
    '*',
    '!',
    '%',
    '@',
    '`',
    '\uFEFF',
    '\u2028',
    '\u0085',
    'é',
    '  ',
    '\n  ',
    'x: y',
    '- ',
    '---',
    '...',
  ];
  let state = 2_463_534_242;
  const next = (below: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
  for (let i = 0; i < count; i++) {
    let text = seeds[next(seeds.length)]!;
    for (let edit = next(3); edit >= 0; edit--) {
      const at = next(text.length + 1);
      const piece = pieces[next(pieces.length)]!;
      const kind = next(3);
      text = text.slice(0, at) + (kind === 2 ? '' : piece) + text.slice(at + (kind === 0 ? 0 : 1 + next(3)));
    }
    yield text;
  }
};

/** `count` hosts, each written in one of the styles generators use, with values of every kind. */
const largeInventory = (count: number): string => {
  const lines = ['hosts:'];
  for (let i = 0; i < count; i++) {
    const name = `h${String(i).padStart(6, '0')}`;
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    if (i % 3 === 0) lines.push(`  - { name: ${name}, address: ${address}, os: debian, port: ${22 + (i % 5)}, groups: [grp-${i % 7}], tags: { rack: r${i % 40}, n: ${i % 11} } }`);
    else if (i % 3 === 1)
      lines.push(`  - name: "${name}"`, `    address: '${address}'`, '    os: ubuntu', '    tags:', `      rack: r${i % 40}`, `      owner: team ${i % 4} # why`, '    connection: ssh');
    else lines.push(`  - {name: ${name}, address: ${address}, os: rhel, user: ~, groups: [], tags: {zone: "eu-${i % 3}", on: ${i % 2 === 0}}}`);
  }
  lines.push('groups:', '  - { name: everyone, selector: { os: [debian] }, production: true }');
  return `${lines.join('\n')}\n`;
};

describe('parsePlainYaml', () => {
  it.each(Object.entries(PLAIN))("takes the fast path for %s and gives yaml's data", (_, text) => {
    const fast = parsePlainYaml(text);
    expect(fast).toBeDefined();
    // isDeepStrictEqual tells NaN, -0 and 0 apart as toEqual does not.
    expect(isDeepStrictEqual(fast?.data, parse(text)), JSON.stringify(fast?.data)).toBe(true);
    expect(fast?.data).toEqual(parse(text));
  });

  it.each(Object.entries(NOT_PLAIN))('leaves %s to yaml', (_, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });

  it("resolves a plain scalar yaml's way whatever its first character, and steps aside where yaml finds an error", () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    for (const first of [...printable, 'é', '✓']) {
      for (const rest of ['', '1', '0', 'rue', 'ALSE', 'ull', '.5', '5e3', 'x1F', 'o17', 'inf', 'nan', 'a b']) {
        const text = `v: ${first}${rest}\n`;
        const fast = parsePlainYaml(text);
        if (!fast) continue;
        const doc = parseDocument(text);
        expect(doc.errors, text).toEqual([]);
        expect(isDeepStrictEqual(fast.data, doc.toJS()), text).toBe(true);
      }
    }
  });

  it('steps aside wherever yaml would report an error or read randomly edited text differently', () => {
    let fast = 0;
    for (const text of editedTexts(6_000)) {
      const quick = parsePlainYaml(text);
      if (!quick) continue;
      fast += 1;
      const doc = parseDocument(text);
      expect(
        doc.errors.map((error) => error.message),
        JSON.stringify(text),
      ).toEqual([]);
      expect(isDeepStrictEqual(quick.data, doc.toJS()), JSON.stringify(text)).toBe(true);
    }
    expect(fast).toBeGreaterThan(1_000); // the edits left plenty of plain data to compare
  });

  it('gives the same data as yaml for a large generated inventory', () => {
    const text = largeInventory(6_000);
    const fast = parsePlainYaml(text);
    expect(fast).toBeDefined();
    expect(isDeepStrictEqual(fast?.data, parse(text))).toBe(true);
    expect((fast?.data as { hosts: unknown[] }).hosts).toHaveLength(6_000);
  });
});

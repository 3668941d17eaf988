import { describe, expect, it } from 'vitest';
import { closestMatches, editPieces, levenshtein } from './closest-matches.ts';

/** The textbook table, unbounded: what the bounded one must agree with. */
const reference = (a: string, b: string): number => {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++)
    for (let j = 1; j <= t.length; j++) rows[i]![j] = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
  return rows[s.length]![t.length]!;
};

/** A small deterministic generator, so a failure names inputs that can be run again. */
const words = (count: number, seed: number): string[] => {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () => Array.from({ length: next() % 12 }, () => 'abcKB-1:'[next() % 8]).join(''));
};

describe('levenshtein', () => {
  it('counts inserts, deletes and substitutions, case-insensitively', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('PROD-web', 'prod-wbe')).toBe(2);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('with a bound, says "more than the bound" as bound + 1 and the distance itself otherwise', () => {
    expect(levenshtein('kitten', 'sitting', 3)).toBe(3);
    expect(levenshtein('kitten', 'sitting', 2)).toBe(3);
    expect(levenshtein('kitten', 'sitting', 0)).toBe(1);
    // A word typed into a question against every id in the catalog: over the bound by its length alone.
    expect(levenshtein('a'.repeat(200), 'deb:openssl@3.0.13-1~deb12u1', 2)).toBe(3);
    expect(levenshtein('x'.repeat(40), 'deb:libsomething-dev@1.2.3-1~deb12u1', 13)).toBe(14);
  });

  it('agrees with the unbounded table on every pair of a sample, under every bound', () => {
    const sample = words(60, 7);
    for (const a of sample)
      for (const b of sample) {
        const exact = reference(a, b);
        expect(levenshtein(a, b)).toBe(exact);
        for (const max of [0, 1, 2, 4]) expect(levenshtein(a, b, max)).toBe(Math.min(exact, max + 1));
      }
  });
});

describe('closestMatches', () => {
  it('ranks substrings first, then the nearest within a third of the word', () => {
    expect(closestMatches('prod-wbe', ['prod-web', 'staging', 'db-01'])).toEqual(['prod-web']);
    expect(closestMatches('web', ['prod-web', 'web-01', 'db-01'])).toEqual(['prod-web', 'web-01']);
    expect(closestMatches('KB5040098', ['KB5040099', 'KB5099999'], 3, 2)).toEqual(['KB5040099']);
  });
});

describe('editPieces', () => {
  it('cuts the word in lower case into one piece more than the edits allowed', () => {
    expect(editPieces('KB5040098', 2)).toEqual(['kb5', '040', '098']);
    expect(editPieces('ab', 2)).toEqual(['', 'a', 'b']);
  });

  it('leaves one piece whole in every word within the bound', () => {
    const sample = words(80, 11);
    for (const a of sample)
      for (const b of sample)
        for (const max of [0, 1, 2, 3]) {
          if (reference(a, b) > max) continue;
          expect(editPieces(a, max).some((piece) => b.toLowerCase().includes(piece))).toBe(true);
        }
  });
});

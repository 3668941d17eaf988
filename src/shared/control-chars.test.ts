import { describe, expect, it } from 'vitest';
import { forTerminal, hasControls, oneLine, stripControls } from './control-chars.ts';

// "installed 1.0" with a right-to-left override: some renderers show the tail reversed.
const TROJAN = 'installed \u202E0.1 noisrev\u202C ok';

describe('control characters in an outsider text', () => {
  it('removes bidirectional formatting wherever text is stored or shown, and says it was there', () => {
    const marks = `a\u061Cb\u200Ec\u200Fd\u202Ae\u202Bf\u202Dg\u2066h\u2067i\u2068j\u2069k`;
    for (const clean of [stripControls, oneLine, forTerminal]) {
      expect(clean(TROJAN)).toBe('installed 0.1 noisrev ok');
      expect(clean(marks)).toBe('abcdefghijk');
    }
    expect(hasControls(TROJAN)).toBe(true);
    expect(hasControls(marks)).toBe(true);
    // Right-to-left text itself stays: only the formatting characters go.
    expect(stripControls('שלום עולם')).toBe('שלום עולם');
    expect(hasControls('שלום עולם')).toBe(false);
  });

  it("takes Unicode's line and paragraph separators as line breaks: a space in one line, a newline elsewhere", () => {
    const text = 'title\u2028second line\u2029third';
    expect(oneLine(text)).toBe('title second line third');
    expect(stripControls(text)).toBe('title\nsecond line\nthird');
    expect(forTerminal(text)).toBe('title\nsecond line\nthird');
    expect(hasControls(text)).toBe(true);
  });

  it('keeps tab and newline in multi-line text, and drops ESC and C1', () => {
    expect(stripControls('a\tb\nc\u001b[2Kd\u009be')).toBe('a\tb\nc[2Kde');
    expect(hasControls('a\tb\nc')).toBe(false);
  });
});

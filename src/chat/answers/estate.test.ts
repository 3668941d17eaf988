import { describe, expect, it } from 'vitest';
import { sameNameIgnoringCase, titleWithUnchecked } from './estate.ts';

describe('sameNameIgnoringCase', () => {
  it('finds the one name that differs only in case, and nothing when two do', () => {
    expect(sameNameIgnoringCase('LOCALHOST', ['localhost', 'web-01'])).toBe('localhost');
    expect(sameNameIgnoringCase('WEB-01', ['web-01', 'Web-01'])).toBeNull();
    expect(sameNameIgnoringCase('web-01', ['web-01'])).toBeNull();
    expect(sameNameIgnoringCase('web-1', ['web-01'])).toBeNull();
  });
});

describe('titleWithUnchecked', () => {
  const note = (shown: number) => `3 hosts could not be checked${shown ? ` (${['a'.repeat(70), 'b'.repeat(70)].slice(0, shown).join(', ')}, +${3 - shown} more)` : ''}`;

  it('drops named hosts whole until the title fits, keeping the count true', () => {
    expect(titleWithUnchecked('2 hosts need a reboot', '; ', note)).toBe(`2 hosts need a reboot; 3 hosts could not be checked (${'a'.repeat(70)}, +2 more)`);
    expect(titleWithUnchecked('x'.repeat(100), '; ', note)).toBe(`${'x'.repeat(100)}; 3 hosts could not be checked`);
    expect(titleWithUnchecked('Nothing pending', '; ', () => '')).toBe('Nothing pending');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_TITLE } from '../discovery/patch-bounds.ts';
import { patchLineOf } from './ticket-draft-of.ts';

describe('patchLineOf (a patch in the ticket description)', () => {
  it('clips a giant title to one line of 500 characters, without control characters (review finding 3)', () => {
    const line = patchLineOf('KB5034441', { title: `Fake\n\u001b[2K${'T'.repeat(5_000_000)}`, severity: 'critical', security: true });
    expect(line).toBe(`KB5034441: Fake [2K${'T'.repeat(MAX_TITLE - 9)}… (critical, security)`);
  });

  it('keeps an ordinary title as it is, and names a patch the catalog lacks by its id', () => {
    expect(patchLineOf('DSA-5600-1', { title: 'openssl security update', severity: 'important', security: false })).toBe('DSA-5600-1: openssl security update (important)');
    expect(patchLineOf('DSA-5600-1', null)).toBe('DSA-5600-1');
  });
});

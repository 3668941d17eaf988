import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../adapters/postgres/open-store.ts';
import type { Patch } from '../src/discovery/patch.ts';
import { SUGGESTION_CANDIDATES } from '../src/discovery/patch-suggestions.ts';
import { closestMatches, defaultMaxDistance } from '../src/shared/closest-matches.ts';
import { availableEngines, openFresh } from './support/engines.ts';

/**
 * The store contract, continued: PatchRepository.suggestions, on every engine. Measured by what
 * closestMatches makes of the whole catalog: the few ids the store returns must give the same
 * suggestions, for slips, fragments, package names and words that are near nothing.
 */

/** A small deterministic generator, so a failure names inputs that can be run again. */
const generator = (seed: number) => {
  let state = seed;
  // xorshift32: exact in 32-bit integers, whatever the seed.
  return (n: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
};

const PACKAGES = ['openssl', 'libssl3', 'curl', 'libcurl4', 'bash', 'glibc', 'zlib1g', 'sudo', 'openssh-server', 'systemd', 'python3.11', 'libxml2'];

/** A catalog as scans fill it: KBs, advisories and package versions, several per package; more KBs than a suggestion reads. */
const catalog = (): string[] => {
  const next = generator(5);
  const ids = new Set<string>();
  for (let i = 0; i < 600; i++) ids.add(`KB50${String(10000 + next(90000))}`);
  for (let i = 0; i < 60; i++) ids.add(`DSA-${5500 + next(200)}-${1 + next(2)}`);
  for (let i = 0; i < 60; i++) ids.add(`USN-${6500 + next(300)}-${1 + next(3)}`);
  for (let i = 0; i < 60; i++) ids.add(`RHSA-2024:${1000 + next(9000)}`);
  for (const name of PACKAGES) for (let v = 0, n = 1 + next(4); v < n; v++) ids.add(`${next(2) ? 'deb' : 'rpm'}:${name}@${1 + next(3)}.${next(20)}.${next(9)}-${1 + v}`);
  ids.add('deb:only-one-version@1.0-1');
  return [...ids];
};

/** What people type: slips of known ids (a digit changed, two swapped, one dropped or doubled), fragments, names, noise. */
const words = (ids: string[]): string[] => {
  const next = generator(9);
  const slip = (id: string): string => {
    const at = 2 + next(id.length - 2);
    switch (next(4)) {
      case 0:
        return `${id.slice(0, at)}${next(10)}${id.slice(at + 1)}`;
      case 1:
        return `${id.slice(0, at - 1)}${id[at] ?? ''}${id[at - 1]}${id.slice(at + 1)}`;
      case 2:
        return `${id.slice(0, at)}${id.slice(at + 1)}`;
      default:
        return `${id.slice(0, at)}${id[at] ?? ''}${id.slice(at)}`;
    }
  };
  return [
    ...Array.from({ length: 80 }, () => slip(ids[next(ids.length)]!)),
    ...Array.from({ length: 10 }, () => {
      const id = ids[next(ids.length)]!;
      return id.slice(next(3), id.length - next(3));
    }),
    ...PACKAGES,
    'only-one-version',
    'kb5034442',
    'openssl-doc',
    'KB9999999',
    'RHSA-2024:99999',
    'x',
    'deb:openssl@',
    'totally-unrelated-words-here',
  ];
};

const ADVISORY = /^(?:KB\d|DSA-|DLA-|USN-|RH[SBE]A-|ALSA-|RLSA-|ELSA-)/i;
const patch = (id: string): Patch => ({ id, title: id, severity: 'low', security: false, cves: [], rebootHint: false, firstSeen: new Date('2024-01-01T00:00:00Z') });

describe.each(availableEngines())('store contract (patch suggestions) on %s', (engine) => {
  let opened: OpenedStore;
  let ids: string[];
  beforeAll(async () => {
    opened = await openFresh(engine);
    await opened.store.patches.upsert(catalog().map(patch));
    ids = (await opened.store.patches.list()).map((p) => p.id);
  }, 60_000);
  afterAll(async () => {
    await opened?.store.close();
  });

  it('leaves out no id within the bound: with room for all, closestMatches gives what it gives over the whole catalog', async () => {
    for (const word of words(ids)) {
      const maxDistance = ADVISORY.test(word) ? 2 : defaultMaxDistance(word);
      const { near } = await opened.store.patches.suggestions(word, { maxDistance, shown: 3, candidates: ids.length });
      expect([word, closestMatches(word, near, 3, maxDistance)]).toEqual([word, closestMatches(word, ids, 3, maxDistance)]);
    }
  });

  it('keeps the nearest id among the candidates a suggestion reads, with more KBs than it reads', async () => {
    for (const word of words(ids)) {
      const maxDistance = ADVISORY.test(word) ? 2 : defaultMaxDistance(word);
      const { near } = await opened.store.patches.suggestions(word, { maxDistance, shown: 3, candidates: SUGGESTION_CANDIDATES });
      expect(near.length).toBeLessThanOrEqual(SUGGESTION_CANDIDATES);
      expect([word, closestMatches(word, near, 1, maxDistance)]).toEqual([word, closestMatches(word, ids, 1, maxDistance)]);
    }
  });

  it("names the first versions of the package a word names, by id, and nothing for a word that is no package's name", async () => {
    for (const word of [...PACKAGES, 'only-one-version', 'openss', 'deb:openssl', 'openssl@1', '%', 'curl_']) {
      const { samePackage } = await opened.store.patches.suggestions(word, { maxDistance: 2, shown: 3, candidates: 10 });
      const versions = ids.filter((id) => /^(?:deb|rpm):([^@]+)@/.exec(id)?.[1] === word);
      expect([word, samePackage]).toEqual([word, versions.slice(0, 3)]);
    }
  });

  it('returns at most the candidates asked for, those containing the word first', async () => {
    const { near } = await opened.store.patches.suggestions('KB50', { maxDistance: 2, shown: 3, candidates: 5 });
    expect(near).toHaveLength(5);
    expect(near.every((id) => id.startsWith('KB50'))).toBe(true);
    const { near: slip } = await opened.store.patches.suggestions('DSA-5xyz-1', { maxDistance: 2, shown: 3, candidates: 5 });
    expect(slip.length).toBeLessThanOrEqual(5);
  });
});

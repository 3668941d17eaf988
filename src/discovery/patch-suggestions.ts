import { closestMatches, defaultMaxDistance } from '../shared/closest-matches.ts';
import type { PatchRepository } from './discovery-store.ts';

/**
 * Ids read per suggestion at most (PatchRepository.suggestions' `candidates`). A real slip leaves a
 * few dozen through the store's filter; the bound keeps a word made of common pieces ("KB5") from
 * bringing the catalog back.
 */
export const SUGGESTION_CANDIDATES = 200;

/**
 * The known ids nearest to an unknown `word`, as closestMatches ranks them over the whole catalog,
 * from the few candidates the store returns; and the first ids of the package it names.
 */
export const patchSuggestions = async (
  patches: Pick<PatchRepository, 'suggestions'>,
  word: string,
  maxDistance = defaultMaxDistance(word),
  limit = 3,
): Promise<{ samePackage: string[]; nearest: string[] }> => {
  const { samePackage, near } = await patches.suggestions(word, { maxDistance, shown: limit, candidates: SUGGESTION_CANDIDATES });
  return { samePackage, nearest: closestMatches(word, near, limit, maxDistance) };
};

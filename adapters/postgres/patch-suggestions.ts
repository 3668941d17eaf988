import type { PatchSuggestions } from '../../src/discovery/discovery-store.ts';
import { editPieces } from '../../src/shared/closest-matches.ts';
import type { SqlClient } from './sql-client.ts';

/** Pairs a ranking counts at most: a long package id passes the filter with most of the catalog. */
const MAX_PAIRS = 12;

/**
 * The distinct pairs of adjacent characters of `word`: how many of them an id contains ranks the
 * candidates when more pass the filter than are returned. An id a slip or two away keeps most of
 * them, wherever the slips are; one that only shares a prefix ("KB50…") keeps few.
 */
const bigrams = (word: string): string[] => {
  const all = [...new Set(Array.from({ length: Math.max(0, word.length - 1) }, (_, i) => word.slice(i, i + 2)))];
  // Spread over the word, at most MAX_PAIRS: each costs a look at every id that passes the filter.
  return all.length <= MAX_PAIRS ? all : Array.from({ length: MAX_PAIRS }, (_, i) => all[Math.floor((i * all.length) / MAX_PAIRS)]!);
};

/**
 * PatchRepository.suggestions in one statement: the catalog's ids are filtered where they are,
 * and only the few asked for come back (reading every row of a catalog of 50,000 into the process
 * to suggest three ids was the cost of every mistyped patch). Ids are ASCII (PATCH_ID), so SQL's
 * lower() and char_length() agree with the JavaScript that measures the distances. Each piece and
 * pair is its own parameter in one expression: a subquery over an array, per id, cost several
 * times as much.
 */
export const patchSuggestions = async (
  sql: SqlClient,
  word: string,
  { maxDistance, shown, candidates }: { maxDistance: number; shown: number; candidates: number },
): Promise<PatchSuggestions> => {
  const lower = word.toLowerCase();
  // The word's length as the distances count it (UTF-16 units of its lower case).
  const params: unknown[] = [word, shown, lower, maxDistance, candidates, lower.length];
  const param = (value: unknown) => `$${params.push(value)}::text`;
  const anyPiece = editPieces(word, maxDistance)
    .map((piece) => `strpos(p.l, ${param(piece)}) > 0`)
    .join(' or ');
  const shared = bigrams(lower).map((pair) => `(strpos(p.l, ${param(pair)}) > 0)::int`);
  const rows = await sql.query<{ same_package: string[]; near: string[] }>(
    `with package as (
       -- A package name has no '@'; the prefix is compared whole, so '%' or '_' in the word are plain characters.
       select id from patches
       where strpos($1, '@') = 0 and left(id, char_length('deb:' || $1 || '@')) in ('deb:' || $1 || '@', 'rpm:' || $1 || '@')
       order by id limit $2
     ), near as (
       select p.id, strpos(p.l, $3) > 0 as contains, ${shared.length ? shared.join(' + ') : '0'} as shared, abs(char_length(p.id) - $6) as gap
       from (select id, lower(id) as l from patches) p
       where strpos(p.l, $3) > 0 or (char_length(p.id) between $6 - $4 and $6 + $4 and (${anyPiece}))
       order by contains desc, shared desc, gap, p.id limit $5
     )
     select (select coalesce(json_agg(id order by id), '[]') from package) as same_package,
       (select coalesce(json_agg(id order by contains desc, shared desc, gap, id), '[]') from near) as near`,
    params,
  );
  const row = rows[0];
  return { samePackage: row?.same_package ?? [], near: row?.near ?? [] };
};

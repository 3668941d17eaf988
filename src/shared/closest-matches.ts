/**
 * Edit distance (insert, delete, substitute), case-insensitive. With `max`, a distance over it is
 * returned as `max + 1` as soon as that is certain: a length difference over `max`, or a row of the
 * table whose every cell is over it (the rows' minimum never decreases). Suggestions compare a
 * word with every patch id in the catalog, which grows with every scan: the bound keeps that from
 * blocking the event loop for seconds (50,000 ids took 2.4 s for a 200-character word).
 */
export const levenshtein = (a: string, b: string, max = Infinity): number => {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > max) return max + 1;
  // Two rows of the table, swapped after each: no array is made per row.
  let previous = Float64Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Float64Array(t.length + 1);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    let least = i;
    const c = s.charCodeAt(i - 1);
    for (let j = 1; j <= t.length; j++) {
      const cell = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (c === t.charCodeAt(j - 1) ? 0 : 1));
      current[j] = cell;
      if (cell < least) least = cell;
    }
    if (least > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[t.length]!, max + 1);
};

/** closestMatches' bound when none is given: a third of the word's length, at least 2. */
export const defaultMaxDistance = (word: string): number => Math.max(2, Math.floor(word.length / 3));

/**
 * `word` in lower case, cut into `maxDistance + 1` pieces of nearly equal length (some empty when
 * it is shorter). An edit changes at most one piece, so every string within `maxDistance` edits of
 * `word` still contains one of them whole: a filter a store can apply to thousands of names before
 * any distance is measured, which drops no match.
 */
export const editPieces = (word: string, maxDistance: number): string[] => {
  const lower = word.toLowerCase();
  const count = maxDistance + 1;
  return Array.from({ length: count }, (_, i) => lower.slice(Math.floor((i * lower.length) / count), Math.floor(((i + 1) * lower.length) / count)));
};

/**
 * Up to `limit` names nearest to `word`, for "no group named prod-wbe; did you mean prod-web?".
 * Substring matches rank first (people type a fragment: "web"), then by edit distance within a
 * third of the word's length (or `maxDistance`, for ids where that is too loose).
 */
export const closestMatches = (word: string, candidates: Iterable<string>, limit = 3, maxDistance = defaultMaxDistance(word)): string[] => {
  const lower = word.toLowerCase();
  return [...new Set(candidates)]
    .map((name) => ({ name, score: name.toLowerCase().includes(lower) ? 0 : levenshtein(word, name, maxDistance) }))
    .filter(({ score }) => score <= maxDistance)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
};

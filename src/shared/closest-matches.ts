/** Edit distance (insert, delete, substitute), case-insensitive. */
export const levenshtein = (a: string, b: string): number => {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[t.length]!;
};

/**
 * Up to `limit` names nearest to `word`, for "no group named prod-wbe; did you mean prod-web?".
 * Substring matches rank first (people type a fragment: "web"), then by edit distance within a
 * third of the word's length (or `maxDistance`, for ids where that is too loose).
 */
export const closestMatches = (word: string, candidates: Iterable<string>, limit = 3, maxDistance = Math.max(2, Math.floor(word.length / 3))): string[] => {
  const lower = word.toLowerCase();
  return [...new Set(candidates)]
    .map((name) => ({ name, score: name.toLowerCase().includes(lower) ? 0 : levenshtein(word, name) }))
    .filter(({ score }) => score <= maxDistance)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
};

/** Longest command or question we try to understand; the rest of chat can be as long as it likes. */
export const MAX_TEXT = 500;

/**
 * Chat text as people type it on phones: smart quotes, non-breaking spaces, zero-width characters,
 * full-width letters (NFKC folds them), the `/patch` or `@patchbot` prefix, trailing punctuation.
 * The text is only ever matched, never executed, but names that reach the store must be clean.
 */
export const normalizeText = (text: string): string =>
  text
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033]/g, '"')
    // Phones turn "-" into dashes: prod‐web and prod–web are prod-web.
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:\/patch|@?patchbot)\b[\s:,]*/i, '')
    .replace(/[\s?!.]+$/, '')
    .trim();

/** Splits arguments on spaces and commas: `KB1, KB2 to a,b` → [KB1, KB2, to, a, b]. */
export const tokens = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

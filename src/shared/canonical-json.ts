/**
 * Deterministic JSON: object keys sorted (by UTF-16 code unit, like Array#sort), no whitespace,
 * otherwise JSON.stringify's rules (toJSON honoured so Dates become ISO strings; undefined,
 * functions and symbols dropped from objects and turned into null in arrays; NaN/±Infinity → null).
 *
 * Why (the audit log's hash chain, src/audit/hash-chain.ts): the hash is computed before the insert and re-computed months later from what PostgreSQL
 * hands back. jsonb reorders keys (by length, then bytes), drops nothing we didn't already drop,
 * and returns Dates as the strings we stored — so the only way both sides agree is to hash a form
 * that is a fixed point of the jsonb round trip. (jsonb rejects "\u0000" in strings; such data
 * fails at insert time rather than producing an unverifiable event.)
 */
export const canonicalJson = (value: unknown): string => encode(value, new Set()) ?? 'null';

const encode = (input: unknown, ancestors: Set<object>): string | undefined => {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON.stringify gives the shortest round-tripping form and "0" for -0, as jsonb does.
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: bigint has no JSON form; store it as a string');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError('canonicalJson: cyclic structure');
  ancestors.add(object);
  try {
    // Array.from visits holes (map skips them and would emit "[1,,3]"); JSON.stringify writes null.
    if (Array.isArray(object)) return `[${Array.from(object, (item) => encode(item, ancestors) ?? 'null').join(',')}]`;
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const encoded = encode(record[key], ancestors);
      if (encoded !== undefined) parts.push(`${JSON.stringify(key)}:${encoded}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
};

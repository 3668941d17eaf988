import { levenshtein } from '../shared/closest-matches.ts';

/**
 * "Did you mean" for unknown config keys: which keys the schema allows at a path (read from the
 * zod schema itself, so the hint can never drift from the schema), and the nearest of them.
 */

/** The slice of zod's schema internals we walk: definitions of objects, wrappers and containers. */
interface Node {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, Node>;
      catchall?: Node;
      innerType?: Node;
      in?: Node;
      element?: Node;
      valueType?: Node;
      options?: Node[];
    };
  };
}

/** Sees through default/optional/nullable/pipe (transforms) to the schema that has the shape. */
const unwrap = (node: Node): Node => {
  const def = node._zod.def;
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  return inner ? unwrap(inner) : node;
};

const child = (node: Node, segment: string | number): Node | undefined => {
  const def = unwrap(node)._zod.def;
  if (def.type === 'object') return def.shape?.[String(segment)] ?? (def.catchall?._zod.def.type === 'never' ? undefined : def.catchall);
  if (def.type === 'array') return def.element;
  if (def.type === 'record') return def.valueType;
  if (def.type === 'union') return def.options?.map((option) => child(option, segment)).find((found) => found !== undefined);
  return undefined;
};

/** The keys an object schema at `path` allows ([] when the path leads nowhere known). */
export const knownKeysAt = (schema: unknown, path: readonly (string | number)[]): string[] => {
  let node: Node | undefined = schema as Node;
  for (const segment of path) node = node ? child(node, segment) : undefined;
  const def = node ? unwrap(node)._zod.def : undefined;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
};

/** Every dotted path (objects only, not into lists or maps) whose last key is `name`. */
export const pathsNamed = (schema: unknown, name: string): string[] => {
  const found: string[] = [];
  const walk = (node: Node, prefix: string[], depth: number) => {
    const def = unwrap(node)._zod.def;
    if (def.type !== 'object' || depth > 4) return;
    for (const [key, value] of Object.entries(def.shape ?? {})) {
      if (key.toLowerCase() === name.toLowerCase()) found.push([...prefix, key].join('.'));
      walk(value, [...prefix, key], depth + 1);
    }
  };
  walk(schema as Node, [], 0);
  return found;
};

// Edit distance lives with the other name-matching helper (src/shared/closest-matches.ts).
export { levenshtein };

/** The nearest candidate within a third of the word's length (at least 2 edits); far guesses mislead. */
export const closest = (word: string, candidates: Iterable<string>): string | undefined => {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(word, candidate);
    if (candidate !== word && distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
};

/**
 * Layering: each layer is deep-merged over the ones before it. Mappings merge key by key; lists
 * and scalars replace (a list half from defaults, half from your file means nobody's list). A few
 * sections replace as a whole, because merging them field by field builds something no layer
 * said:
 * - `inventory` (every layer): a file that names `inventory.file` means "my inventory", not "my
 *   hosts plus the demo localhost";
 * - `approval.<policy>` (file layers): a policy rewritten from `required` to `quorum` must not
 *   keep the default's `required` beside it. The environment sets single fields, so it merges.
 *
 * Every path a layer sets is remembered with the layer's label, so a problem can say where the
 * offending value came from.
 */
import { isRecord } from './raw-values.ts';

export type Tree = Record<string, unknown>;

export interface LayerInfo {
  /** File path or environment variable name. */
  label: string;
  fromFile: boolean;
}

/** dotted path → label of the layer that set it last. */
export type Origins = Map<string, string>;

const replacesWhole = (path: string[], fromFile: boolean): boolean => (path.length === 1 && path[0] === 'inventory') || (fromFile && path.length === 2 && path[0] === 'approval');

const forget = (origins: Origins, prefix: string) => {
  for (const key of [...origins.keys()]) if (key.startsWith(`${prefix}.`)) origins.delete(key);
};

const remember = (origins: Origins, path: string[], value: unknown, label: string) => {
  origins.set(path.join('.'), label);
  const children: [string, unknown][] = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : isRecord(value) ? Object.entries(value) : [];
  for (const [key, inner] of children) remember(origins, [...path, key], inner, label);
};

/** Merges `overlay` into `target` in place. */
export const mergeLayer = (target: Tree, overlay: Tree, layer: LayerInfo, origins: Origins, path: string[] = []): void => {
  for (const [key, value] of Object.entries(overlay)) {
    const at = [...path, key];
    const current = target[key];
    if (isRecord(value) && isRecord(current) && !replacesWhole(at, layer.fromFile)) {
      origins.set(at.join('.'), layer.label);
      mergeLayer(current, value, layer, origins, at);
    } else {
      forget(origins, at.join('.'));
      target[key] = structuredClone(value);
      remember(origins, at, value, layer.label);
    }
  }
};

/** Sets a value at a dotted path, creating mappings on the way (for environment variables). */
export const treeAt = (path: readonly string[], value: unknown): Tree => {
  const root: Tree = {};
  let node = root;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next: Tree = {};
    node[key] = next;
    node = next;
  });
  return root;
};

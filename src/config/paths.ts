/**
 * Relative paths in a config file mean "next to this file", so a config directory can move as a
 * whole. For config/default.yaml the base is the repository root (its parent), so its
 * `./playbooks` and `./data` are the checkout's. For the environment the base is the working
 * directory. `~/` is the home directory everywhere. Done per layer, before merging, because after
 * merging nobody knows which file a path came from.
 *
 * Paths resolved: inventory.file, playbooks.dir, execution.ssh.privateKeyPath,
 * execution.ssh.knownHostsPath, the directory in a `pglite://<dir>` store.url, and every
 * `{ file: … }` secret reference.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IssuePath, Problem } from './issues.ts';
import type { Tree } from './merge.ts';
import { isRecord, textOf } from './raw-values.ts';
import { SECRET_KEY_PATTERN } from './secrets.ts';

export interface PathBase {
  dir: string;
  home: string;
}

export const absolutePath = (path: string, base: PathBase): string => (path === '~' || path.startsWith('~/') ? join(base.home, path.slice(1)) : resolve(base.dir, path));

const PATH_KEYS: readonly (readonly string[])[] = [
  ['inventory', 'file'],
  ['playbooks', 'dir'],
  ['execution', 'ssh', 'privateKeyPath'],
  ['execution', 'ssh', 'knownHostsPath'],
];

const parentOf = (tree: Tree, path: readonly string[]): Tree | undefined => {
  let node: unknown = tree;
  for (const key of path.slice(0, -1)) node = isRecord(node) ? node[key] : undefined;
  return isRecord(node) ? node : undefined;
};

/** `pglite://memory` stays; `pglite://./data` → `pglite:///abs/data`. */
export const absoluteStoreUrl = (url: string, base: PathBase): string => {
  if (!url.startsWith('pglite://')) return url;
  const dir = url.slice('pglite://'.length);
  if (dir === '' || dir === 'memory' || dir === ':memory:') return url;
  return `pglite://${absolutePath(dir, base)}`;
};

/** `{ file: path }` under a secret-named key: the secret lives in that file. */
const secretRef = (key: string, value: unknown): value is { file: string } =>
  SECRET_KEY_PATTERN.test(key) && isRecord(value) && Object.keys(value).length === 1 && typeof value.file === 'string';

const eachSecretRef = (node: unknown, path: string[], visit: (parent: Tree, key: string, path: string[]) => void) => {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) eachSecretRef(item, [...path, String(index)], visit);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (secretRef(key, value)) visit(node, key, [...path, key]);
    else eachSecretRef(value, [...path, key], visit);
  }
};

/** Makes the paths one layer sets absolute, in place. */
export const resolveLayerPaths = (layer: Tree, base: PathBase): void => {
  for (const path of PATH_KEYS) {
    const parent = parentOf(layer, path);
    const key = path[path.length - 1] as string;
    const value = parent ? textOf(parent[key]) : undefined;
    if (parent && value) parent[key] = absolutePath(value, base);
  }
  const store = isRecord(layer.store) ? layer.store : undefined;
  if (store && typeof store.url === 'string') store.url = absoluteStoreUrl(store.url, base);
  eachSecretRef(layer, [], (parent, key) => {
    const ref = parent[key] as { file: string };
    parent[key] = { file: absolutePath(ref.file, base) };
  });
};

/**
 * Replaces every `{ file: /abs }` secret with the file's trimmed contents, in place. A file that
 * cannot be read becomes a problem at that key, and the key is dropped so that validation does
 * not report it a second time as missing.
 */
export const readSecretFiles = async (tree: Tree): Promise<Problem[]> => {
  const pending: { parent: Tree; key: string; path: IssuePath }[] = [];
  eachSecretRef(tree, [], (parent, key, path) => pending.push({ parent, key, path }));
  const problems: Problem[] = [];
  for (const { parent, key, path } of pending) {
    const file = (parent[key] as { file: string }).file;
    try {
      parent[key] = (await readFile(file, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push({ path, message: `cannot read secret file ${file} (${code}); create it, fix the path, or give the value directly` });
      delete parent[key];
    }
  }
  return problems;
};

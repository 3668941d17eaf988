/**
 * `inventory.file`: hosts and groups kept in their own YAML file (often generated from a CMDB).
 * Its entries are appended after the inline ones and validated with them in the same pass, so
 * cross-references (a group in the file naming an inline host) work both ways. Problems inside
 * the file are reported at `inventory.file(/abs/inv.yaml).hosts.3.os`, i.e. at the file's own
 * index, not the merged one.
 */
import type { IssuePath, Problem } from './issues.ts';
import type { Tree } from './merge.ts';
import { INVENTORY_FILE_KEYS } from './schema.ts';
import { isRecord } from './schema-common.ts';
import { closest } from './suggest.ts';
import { readInventoryFile } from './inventory-cache.ts';

export interface InventoryFileLoad {
  /** The file, when one was named. */
  file?: string;
  /** Problems reading the file or with its shape (entries are left to the schema). */
  problems: Problem[];
  /** YAML syntax or read errors, already formatted with file:line:col. */
  fileErrors: string[];
  /** Maps a merged-list path back into the file; identity for inline entries. */
  rewrite: (path: IssuePath) => IssuePath;
}

const identity = (path: IssuePath) => path;

/** Appends the file's hosts and groups to `tree.inventory` in place; a YAML file is read through the cache in `cacheDir` (inventory-cache.ts). */
export const mergeInventoryFile = async (tree: Tree, cacheDir: string | null = null): Promise<InventoryFileLoad> => {
  const inventory = isRecord(tree.inventory) ? tree.inventory : undefined;
  const file = typeof inventory?.file === 'string' ? inventory.file : undefined;
  if (!inventory || file === undefined) return { problems: [], fileErrors: [], rewrite: identity };
  const at = `inventory.file(${file})`;
  const read = await readInventoryFile(file, 'fix inventory.file or create the file', cacheDir);
  if (!read.ok) return { file, problems: [], fileErrors: read.problems, rewrite: identity };
  const data = read.data ?? {};
  if (!isRecord(data)) {
    return { file, problems: [{ path: [at], message: 'must be a mapping with hosts: and groups: lists' }], fileErrors: [], rewrite: identity };
  }
  const problems: Problem[] = [];
  for (const key of Object.keys(data)) {
    if ((INVENTORY_FILE_KEYS as readonly string[]).includes(key)) continue;
    const near = closest(key, INVENTORY_FILE_KEYS);
    problems.push({ path: [at, key], message: near ? `unknown key; did you mean ${near}?` : 'unknown key; an inventory file holds only hosts: and groups:' });
  }
  const offsets: Record<string, number> = {};
  for (const key of INVENTORY_FILE_KEYS) {
    const entries = data[key];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) {
      problems.push({ path: [at, key], message: `must be a list of ${key}` });
      continue;
    }
    const inline = inventory[key] ?? [];
    if (!Array.isArray(inline)) continue; // the schema reports the inline value
    offsets[key] = inline.length;
    inventory[key] = [...(inline as unknown[]), ...(entries as unknown[])];
  }
  const rewrite = (path: IssuePath): IssuePath => {
    const [section, key, index, ...rest] = path;
    const offset = typeof key === 'string' ? offsets[key] : undefined;
    if (section !== 'inventory' || offset === undefined || typeof index !== 'number' || index < offset) return path;
    return [at, key as string, index - offset, ...rest];
  };
  return { file, problems, fileErrors: [], rewrite };
};

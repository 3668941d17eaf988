/**
 * A generated inventory is large (100,000 hosts is ~11 MB of YAML). Its first read goes through
 * yaml-fast.ts where that can promise `yaml`'s result, else through `yaml` (~110 ms per 1,000
 * hosts: 11–13 s at 100,000; issue #20). What a YAML file parses to is kept as JSON in the
 * user's cache directory, keyed by the SHA-256 of the file's bytes: an unchanged file is read
 * back with JSON.parse, and any edit misses the cache. Only a file that parsed without errors is
 * cached, so errors are always reported from the YAML itself.
 * The cache is an optimisation: when it cannot be read or written the file is simply parsed.
 *
 * What the cache holds becomes the inventory (addresses, `connection: local`), so it is read only
 * from a directory and a file that are this user's own and writable by no one else: a cache
 * directory in a shared place (XDG_CACHE_HOME=/tmp) may hold an entry a stranger planted.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJson, parseYaml, type YamlRead } from './yaml-file.ts';
import { parsePlainYaml } from './yaml-fast.ts';

/** Bumped when what the cache holds changes shape, so an old entry is never read as a new one. */
const FORMAT = 'v1';

/** Plain data the fast way; anything else, and every error, through `yaml` as a config file is read. */
const parseInventoryYaml = (text: string, file: string): YamlRead => {
  const plain = parsePlainYaml(text);
  return plain ? { ok: true, data: plain.data } : parseYaml(text, file);
};

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * `$XDG_CACHE_HOME/patchbot/inventory`, else `$HOME/.cache/patchbot/inventory`, from the
 * environment the caller passes; with neither (a test's own environment), no cache.
 */
export const inventoryCacheDir = (env: Record<string, string | undefined>): string | null => {
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : null);
  return base ? join(base, 'patchbot', 'inventory') : null;
};

/** One entry per inventory file (the prefix), named by its content: a new version replaces the old. */
const entryName = (file: string, bytes: Buffer) => ({
  prefix: `${sha256(file).slice(0, 16)}-`,
  name: `${sha256(file).slice(0, 16)}-${sha256(Buffer.concat([Buffer.from(FORMAT), bytes]))}.json`,
});

/** Group or other may write: a stranger could replace what is there. */
const WRITABLE_BY_OTHERS = 0o022;
const ownedByMe = (stat: { uid: number; mode: number }) => stat.uid === process.getuid?.() && (stat.mode & WRITABLE_BY_OTHERS) === 0;

/** The directory itself (not a link to one), this user's, and writable by no one else. */
const isPrivateDir = async (dir: string): Promise<boolean> => {
  const stat = await lstat(dir).catch(() => null);
  return stat !== null && stat.isDirectory() && ownedByMe(stat);
};

/** An entry's content, or null when there is none this user could trust (checked on the open file: no swap after the check). */
const readOwnEntry = async (path: string): Promise<string | null> => {
  const file = await open(path, 'r').catch(() => null);
  if (!file) return null;
  try {
    const stat = await file.stat();
    return stat.isFile() && ownedByMe(stat) ? await file.readFile('utf8') : null;
  } finally {
    await file.close();
  }
};

const store = async (dir: string, prefix: string, name: string, data: unknown): Promise<void> => {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!(await isPrivateDir(dir))) return;
    const partial = join(dir, `${name}.${process.pid}.partial`);
    await writeFile(partial, JSON.stringify(data), { mode: 0o600 });
    await rename(partial, join(dir, name));
    for (const other of await readdir(dir)) if (other.startsWith(prefix) && other !== name && other.endsWith('.json')) await rm(join(dir, other), { force: true });
  } catch {
    // A read-only home or a full disk costs the next load a parse, nothing else.
  }
};

/** Reads an inventory file as readYamlFile does, through the cache when `cacheDir` is given and the file is YAML. */
export const readInventoryFile = async (file: string, hint: string, cacheDir: string | null): Promise<YamlRead> => {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, problems: [`${file}: cannot read the file (${code}); ${hint}`] };
  }
  // JSON parses as fast as the cache would read back.
  if (file.toLowerCase().endsWith('.json')) return parseJson(bytes.toString('utf8'), file);
  if (cacheDir === null) return parseInventoryYaml(bytes.toString('utf8'), file);
  const { prefix, name } = entryName(file, bytes);
  try {
    const cached = (await isPrivateDir(cacheDir)) ? await readOwnEntry(join(cacheDir, name)) : null;
    if (cached !== null) return { ok: true, data: JSON.parse(cached) as unknown };
  } catch {
    // Unreadable: parse, and cache what parsed.
  }
  const read = parseInventoryYaml(bytes.toString('utf8'), file);
  if (read.ok) await store(cacheDir, prefix, name, read.data);
  return read;
};

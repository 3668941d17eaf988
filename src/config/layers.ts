/**
 * The configuration's layers merged into one raw tree, not yet validated: config/default.yaml,
 * each given file, then the environment (load.ts validates the result). Apart from load.ts so
 * that a command forwarded to a running service finds where the store lives (forwardingFacts) without
 * loading the schemas, the inventory file or the secrets: that costs the CLI its start time.
 */
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import { envLayers } from './env-overrides.ts';
import { type ConfigIdentity, configIdentity } from './identity.ts';
import { mergeLayer, type Origins, type Tree } from './merge.ts';
import { resolveLayerPaths } from './paths.ts';
import { isRecord, textOf } from './raw-values.ts';
import { readYamlFile } from './yaml-file.ts';

/** The embedded defaults, found from the package root so any working directory (and dist/) works. */
export const DEFAULT_CONFIG_FILE = resolve(PACKAGE_ROOT, 'config', 'default.yaml');
/** Relative paths in the defaults resolve against the repository root (config/..). */
const REPO_ROOT = dirname(dirname(DEFAULT_CONFIG_FILE));

export interface LoadConfigOptions {
  /** Extra config files, in order; relative to `cwd`. */
  files?: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * False: leave inventory.file's hosts and groups out, and check each section on its own (no
   * references between sections, which may point into the file: ConfigSections). For
   * callers that need no inventory (opening the store, forwarding a command to the service): a
   * generated inventory can be 100,000 hosts. Default true.
   */
  inventoryFile?: boolean;
  /** Where parsed YAML inventory files are cached (inventory-cache.ts); null for no cache. Default: the user's cache directory. */
  cacheDir?: string | null;
}

export interface Layers {
  tree: Tree;
  origins: Origins;
  /** Every config file read, the defaults first, as absolute paths. */
  files: string[];
  /** Files that could not be read or parsed; when there are some, the environment is not merged. */
  fileProblems: string[];
  envProblems: string[];
  envUsed: string[];
  /** What the layers mean for answers, taken before secrets and the inventory file are read into the tree. */
  identity: ConfigIdentity;
}

const readFileLayers = async (files: string[], tree: Tree, origins: Origins, home: string): Promise<string[]> => {
  const problems: string[] = [];
  for (const file of files) {
    const isDefault = file === DEFAULT_CONFIG_FILE;
    const read = await readYamlFile(file, isDefault ? 'the embedded defaults are missing; reinstall patchbot' : 'check the path given with --config or in PATCHBOT_CONFIG');
    if (!read.ok) problems.push(...read.problems);
    else if (isRecord(read.data)) {
      resolveLayerPaths(read.data, { dir: isDefault ? REPO_ROOT : dirname(file), home });
      mergeLayer(tree, read.data, { label: file, fromFile: true }, origins);
    } else if (read.data !== null && read.data !== undefined) {
      problems.push(`${file}: the top level must be a mapping of settings (server:, store:, chat:, …)`);
    }
  }
  return problems;
};

export const readLayers = async (options: LoadConfigOptions): Promise<Layers> => {
  const files = [DEFAULT_CONFIG_FILE, ...(options.files ?? []).map((file) => resolve(options.cwd, file))];
  const home = options.env.HOME || homedir();
  const tree: Tree = {};
  const origins: Origins = new Map();
  const fileProblems = await readFileLayers(files, tree, origins, home);
  const env = envLayers(options.env);
  if (fileProblems.length === 0) {
    for (const layer of env.layers) {
      resolveLayerPaths(layer.data, { dir: options.cwd, home });
      mergeLayer(tree, layer.data, { label: `$${layer.label}`, fromFile: false }, origins);
    }
  }
  const envUsed = env.layers.map((layer) => layer.label);
  return { tree, origins, files, fileProblems, envProblems: env.problems, envUsed, identity: configIdentity(tree, files, envUsed) };
};

/**
 * What the CLI needs to forward a command: the config's identity, and store.url as loadConfig
 * would give it, or null when the layers do not say it plainly (a file that does not parse, a
 * value that is not text): then only the full load can say what is wrong.
 */
export const forwardingFacts = async (options: LoadConfigOptions): Promise<{ storeUrl: string | null; identity: ConfigIdentity }> => {
  const layers = await readLayers(options);
  const store = layers.tree.store;
  const plain = layers.fileProblems.length === 0 && layers.envProblems.length === 0 && isRecord(store);
  return { storeUrl: plain ? (textOf(store.url) ?? null) : null, identity: layers.identity };
};

/**
 * Loads the configuration: config/default.yaml (the embedded defaults), then each given file, then
 * the environment (see env-overrides.ts for the variables), merged as merge.ts describes, with
 * relative paths resolved as paths.ts describes, `{ file: … }` secrets read, inventory.file
 * merged, and the result validated against `Config`.
 *
 * On failure it throws one ConfigError listing every problem as `path.to.key: message`, so a
 * deploy is fixed in one round, not one error at a time. YAML syntax errors (`file:line:col:
 * message`) stop before validation: a half-read file would only add misleading problems.
 *
 * I/O comes in through the options (env, cwd); nothing here reads the process environment.
 */
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.ts';
import { PACKAGE_ROOT } from '../shared/package-root.ts';
import { envLayers } from './env-overrides.ts';
import { inventoryCacheDir } from './inventory-cache.ts';
import { type InventoryFileLoad, mergeInventoryFile } from './inventory-file.ts';
import { formatPath, type Problem, problemsOf } from './issues.ts';
import { mergeLayer, type Origins, type Tree } from './merge.ts';
import { readSecretFiles, resolveLayerPaths } from './paths.ts';
import { Config, ConfigSections } from './schema.ts';
import { isRecord } from './schema-common.ts';
import { configWarnings } from './warnings.ts';
import { readYamlFile } from './yaml-file.ts';

export { configFilesFromEnv } from './env-overrides.ts';

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

export interface LoadedConfig {
  config: Config;
  /** What contributed, in order: config files, the inventory file, then `env:NAME` per variable used. */
  sources: string[];
  /** Legal but probably wrong; see warnings.ts. */
  warnings: string[];
}

const describeSources = (files: string[], envUsed: boolean) =>
  `Configuration (${[...files.map((file) => (file === DEFAULT_CONFIG_FILE ? 'config/default.yaml' : file)), ...(envUsed ? ['environment'] : [])].join(' + ')})`;

/** Problems that follow from an inventory file that could not be read; noise beside the real one. */
const INVENTORY_REFERENCE = /^(inventory\.groups\.\d+\.members\.\d+|inventory\.hosts\.\d+\.groups\.\d+|schedules\.proposals\.\d+\.targets\.\d+)$/;

/** loadConfig without the inventory file: nothing merged, nothing to report. */
const WITHOUT_FILE: InventoryFileLoad = { problems: [], fileErrors: [], rewrite: (path) => path };

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

export const loadConfig = async (options: LoadConfigOptions): Promise<LoadedConfig> => {
  const files = [DEFAULT_CONFIG_FILE, ...(options.files ?? []).map((file) => resolve(options.cwd, file))];
  const home = options.env.HOME || homedir();
  const tree: Tree = {};
  const origins: Origins = new Map();

  const fileProblems = await readFileLayers(files, tree, origins, home);
  const env = envLayers(options.env);
  const source = describeSources(files, env.layers.length > 0);
  if (fileProblems.length) throw new ConfigError(source, fileProblems);
  for (const layer of env.layers) {
    resolveLayerPaths(layer.data, { dir: options.cwd, home });
    mergeLayer(tree, layer.data, { label: `$${layer.label}`, fromFile: false }, origins);
  }

  const early: Problem[] = await readSecretFiles(tree);
  const withFile = options.inventoryFile ?? true;
  const inventory = withFile ? await mergeInventoryFile(tree, options.cacheDir === undefined ? inventoryCacheDir(options.env, home) : options.cacheDir) : WITHOUT_FILE;
  early.push(...inventory.problems);
  const reported = new Set(early.map((problem) => formatPath(problem.path)));

  const schema = withFile ? Config : ConfigSections;
  const result = schema.safeParse(tree, { reportInput: true });
  const late = (result.success ? [] : result.error.issues.flatMap((issue) => problemsOf(issue, schema)))
    .filter((problem) => !reported.has(formatPath(problem.path)))
    .filter((problem) => inventory.fileErrors.length === 0 || !INVENTORY_REFERENCE.test(formatPath(problem.path)));
  const lines = [...early, ...late].map((problem) => {
    const rewritten = inventory.rewrite(problem.path);
    const from = rewritten === problem.path ? origins.get(formatPath(problem.path)) : undefined;
    const where = from && from !== DEFAULT_CONFIG_FILE ? ` (from ${from})` : '';
    return `${formatPath(rewritten)}: ${problem.message}${where}`;
  });
  const problems = [...env.problems, ...inventory.fileErrors, ...new Set(lines)];
  if (problems.length || !result.success) throw new ConfigError(source, problems);

  return {
    config: result.data,
    sources: [...files, ...(inventory.file ? [inventory.file] : []), ...env.layers.map((layer) => `env:${layer.label}`)],
    warnings: configWarnings(result.data),
  };
};

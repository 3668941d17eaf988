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
import { ConfigError } from '../shared/errors.ts';
import type { ConfigIdentity } from './identity.ts';
import { inventoryCacheDir } from './inventory-cache.ts';
import { type InventoryFileLoad, mergeInventoryFile } from './inventory-file.ts';
import { DEFAULT_CONFIG_FILE, type LoadConfigOptions, readLayers } from './layers.ts';
import { formatPath, type Problem, problemsOf } from './issues.ts';
import { readSecretFiles } from './paths.ts';
import { Config, ConfigSections } from './schema.ts';
import { configWarnings } from './warnings.ts';

export { configFilesFromEnv } from './env-overrides.ts';
export { DEFAULT_CONFIG_FILE, type LoadConfigOptions } from './layers.ts';

export interface LoadedConfig {
  config: Config;
  /** What contributed, in order: config files, the inventory file, then `env:NAME` per variable used. */
  sources: string[];
  /** Legal but probably wrong; see warnings.ts. */
  warnings: string[];
  /** What the layers mean for answers (identity.ts): a forwarded command is compared with it. */
  identity: ConfigIdentity;
}

const describeSources = (files: string[], envUsed: boolean) =>
  `Configuration (${[...files.map((file) => (file === DEFAULT_CONFIG_FILE ? 'config/default.yaml' : file)), ...(envUsed ? ['environment'] : [])].join(' + ')})`;

/** Problems that follow from an inventory file that could not be read; noise beside the real one. */
const INVENTORY_REFERENCE = /^(inventory\.groups\.\d+\.members\.\d+|inventory\.hosts\.\d+\.groups\.\d+|schedules\.proposals\.\d+\.targets\.\d+)$/;

/** loadConfig without the inventory file: nothing merged, nothing to report. */
const WITHOUT_FILE: InventoryFileLoad = { problems: [], fileErrors: [], rewrite: (path) => path };

export const loadConfig = async (options: LoadConfigOptions): Promise<LoadedConfig> => {
  const { tree, origins, files, fileProblems, envProblems, envUsed, identity } = await readLayers(options);
  const source = describeSources(files, envUsed.length > 0);
  if (fileProblems.length) throw new ConfigError(source, fileProblems);

  const early: Problem[] = await readSecretFiles(tree);
  const withFile = options.inventoryFile ?? true;
  const inventory = withFile ? await mergeInventoryFile(tree, options.cacheDir === undefined ? inventoryCacheDir(options.env) : options.cacheDir) : WITHOUT_FILE;
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
  const problems = [...envProblems, ...inventory.fileErrors, ...new Set(lines)];
  if (problems.length || !result.success) throw new ConfigError(source, problems);

  return {
    config: result.data,
    sources: [...files, ...(inventory.file ? [inventory.file] : []), ...envUsed.map((label) => `env:${label}`)],
    warnings: configWarnings(result.data, options.env),
    identity,
  };
};

import { archOf } from './apt-plan.ts';
import { readState } from './host-state.ts';
import type { Tool } from './tool-context.ts';

/**
 * `dpkg-query -W [-f format] [pattern…]` over the host's package db: every package is fully
 * installed (`ii `). A field the simulator does not know is an error rather than the empty
 * string real dpkg-query prints, so a playbook reading a new field fails loudly here.
 */

const DEFAULT_FORMAT = '${binary:Package}\\t${Version}\\n';

const FIELDS: Record<string, (key: string, version: string) => string> = {
  Package: (key) => key.replace(/:[a-z0-9-]+$/, ''),
  'binary:Package': (key) => key,
  Version: (_key, version) => version,
  Architecture: (key) => archOf(key),
  Status: () => 'install ok installed',
  'db:Status-Abbrev': () => 'ii ',
  'db:Status-Want': () => 'install',
  'db:Status-Status': () => 'installed',
  'db:Status-Eflag': () => 'ok',
};

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"' };

/** dpkg-query's --showformat: `${field}` or `${field;width}` (negative width: left-aligned), backslash escapes. */
export function render(format: string, key: string, version: string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      out += ESCAPES[format[i + 1]!] ?? format[i + 1]!;
      i++;
    } else if (c === '$' && format[i + 1] === '{') {
      const end = format.indexOf('}', i);
      if (end < 0) throw new Error(`dpkg-query: error: missing closing brace in format ${format}`);
      const [name, width] = format.slice(i + 2, end).split(';');
      const field = FIELDS[name!];
      if (!field) throw new Error(`dpkg-query: error: the fleet simulator does not implement field ${name} (it knows ${Object.keys(FIELDS).join(', ')})`);
      const value = field(key, version);
      const w = Number(width ?? 0);
      out += w < 0 ? value.padEnd(-w) : value.padStart(w);
      i = end;
    } else out += c;
  }
  return out;
}

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^$(){}|\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );

export const dpkgQuery: Tool = (ctx, argv) => {
  let show = false;
  let format = DEFAULT_FORMAT;
  const patterns: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-W' || arg === '--show') show = true;
    else if (arg === '-f' || arg === '--showformat') format = argv[++i] ?? '';
    else if (arg.startsWith('--showformat=')) format = arg.slice('--showformat='.length);
    else if (arg.startsWith('-')) {
      ctx.err(`dpkg-query: error: the fleet simulator implements only -W [-f format] [pattern...], not ${arg}`);
      return 2;
    } else patterns.push(arg);
  }
  if (!show) {
    ctx.err('dpkg-query: error: need an action option (the fleet simulator implements -W)');
    return 2;
  }
  const state = readState(ctx.hostDir);
  const keys = Object.keys(state.installed).sort();
  const matchers = patterns.map((p) => ({ pattern: p, re: globToRegExp(p), hit: false }));
  let text = '';
  try {
    for (const key of keys) {
      const wanted = matchers.length === 0 || matchers.some((m) => (m.re.test(key) || m.re.test(key.replace(/:[a-z0-9-]+$/, ''))) && (m.hit = true));
      if (wanted) text += render(format, key, state.installed[key]!);
    }
  } catch (error) {
    ctx.err((error as Error).message);
    return 2;
  }
  ctx.write(text);
  const missed = matchers.filter((m) => !m.hit);
  for (const m of missed) ctx.err(`dpkg-query: no packages found matching ${m.pattern}`);
  return missed.length ? 1 : 0;
};

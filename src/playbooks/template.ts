/**
 * `{{param}}` placeholders in a step's `run` text, and where they stand.
 *
 * The renderer replaces a placeholder with an already-quoted value (`'openssl'`), so the
 * placeholder must stand where the shell reads a bare word. Inside quotes the quoting would be
 * undone (`'{{x}}'` renders as `''openssl''`: the value ends up unquoted), inside an unquoted
 * here-document the shell expands `$(…)` in the value, and in a comment it does nothing. Those
 * positions are refused at load. The lexers below know just enough of sh and PowerShell to tell.
 */

export type Dialect = 'sh' | 'powershell';

export interface Placeholder {
  name: string;
  start: number;
  end: number;
}

export interface TemplateScan {
  placeholders: Placeholder[];
  problems: string[];
}

type State = 'plain' | 'single' | 'double' | 'comment' | 'block-comment' | 'heredoc' | 'here-single' | 'here-double';

const WHERE: Record<Exclude<State, 'plain'>, string> = {
  single: 'inside single quotes',
  double: 'inside double quotes',
  comment: 'inside a comment',
  'block-comment': 'inside a comment',
  heredoc: 'inside a here-document',
  'here-single': 'inside a here-string',
  'here-double': 'inside a here-string',
};

const NAME = /^[a-z][A-Za-z0-9_]*$/;
const PS_SINGLE = "'\u2018\u2019\u201A\u201B";
const PS_DOUBLE = '"\u201C\u201D\u201E';
const WORD_BREAK = new Set([undefined, ' ', '\t', '\n', ';', '&', '|', '(', ')', '{', '}']);

export function scanTemplate(text: string, dialect: Dialect): TemplateScan {
  const placeholders: Placeholder[] = [];
  const problems: string[] = [];
  let state: State = 'plain';
  let heredoc: { delimiter: string; stripTabs: boolean } | null = null;
  let pendingHeredoc: { delimiter: string; stripTabs: boolean } | null = null;
  let i = 0;
  const atLineStart = (at: number) => at === 0 || text[at - 1] === '\n';
  while (i < text.length) {
    const c = text[i]!;
    if (text.startsWith('{{', i)) {
      const close = text.indexOf('}}', i + 2);
      const name = close < 0 ? '' : text.slice(i + 2, close);
      if (close < 0 || !NAME.test(name)) {
        problems.push(`malformed placeholder at ${JSON.stringify(text.slice(i, i + 20))}: write {{name}} with a parameter name`);
        i += 2;
        continue;
      }
      if (state !== 'plain') problems.push(`{{${name}}} is ${WHERE[state]}; write it as a bare word, patchbot quotes the value itself`);
      // `$'…'` is bash's escape-interpreting quote: `${{x}}` would turn the quoting into code.
      // PowerShell reads `@'` as a here-string opener.
      else if (text[i - 1] === '$' || (dialect === 'powershell' && text[i - 1] === '@')) {
        problems.push(`{{${name}}} follows "${text[i - 1]}", which would change how the quoted value is read; put a space or another character between them`);
      }
      placeholders.push({ name, start: i, end: close + 2 });
      i = close + 2;
      continue;
    }
    if (c === '\n' && (state === 'plain' || state === 'comment') && pendingHeredoc) {
      heredoc = pendingHeredoc;
      pendingHeredoc = null;
      state = 'heredoc';
      i++;
      continue;
    }
    switch (state) {
      case 'plain':
        if (dialect === 'sh') {
          if (c === '\\') i++;
          else if (c === "'") state = 'single';
          else if (c === '"') state = 'double';
          else if (c === '#' && WORD_BREAK.has(text[i - 1])) state = 'comment';
          else if (text.startsWith('<<', i) && text[i + 2] !== '<') {
            const m = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_]+))/.exec(text.slice(i));
            if (m) {
              pendingHeredoc = { delimiter: m[2] ?? m[3] ?? m[4]!, stripTabs: m[1] === '-' };
              i += m[0].length - 1;
            }
          }
        } else {
          if (c === '`') i++;
          else if (text.startsWith("@'", i) && text[i + 2] === '\n') state = 'here-single';
          else if (text.startsWith('@"', i) && text[i + 2] === '\n') state = 'here-double';
          else if (PS_SINGLE.includes(c)) state = 'single';
          else if (PS_DOUBLE.includes(c)) state = 'double';
          else if (text.startsWith('<#', i)) state = 'block-comment';
          else if (c === '#' && WORD_BREAK.has(text[i - 1])) state = 'comment';
          if (state === 'here-single' || state === 'here-double') i += 2;
        }
        break;
      case 'single':
        // PowerShell escapes a quote inside single quotes by doubling it: stay inside.
        if (dialect === 'powershell' && PS_SINGLE.includes(c) && PS_SINGLE.includes(text[i + 1] ?? 'x')) i++;
        else if (dialect === 'sh' ? c === "'" : PS_SINGLE.includes(c)) state = 'plain';
        break;
      case 'double':
        if (c === (dialect === 'sh' ? '\\' : '`')) i++;
        else if (dialect === 'powershell' && PS_DOUBLE.includes(c) && PS_DOUBLE.includes(text[i + 1] ?? 'x')) i++;
        else if (dialect === 'sh' ? c === '"' : PS_DOUBLE.includes(c)) state = 'plain';
        break;
      case 'comment':
        if (c === '\n') state = 'plain';
        break;
      case 'block-comment':
        if (text.startsWith('#>', i)) {
          state = 'plain';
          i++;
        }
        break;
      case 'here-single':
      case 'here-double':
        if (atLineStart(i) && text.startsWith(state === 'here-single' ? "'@" : '"@', i)) {
          state = 'plain';
          i++;
        }
        break;
      case 'heredoc': {
        if (!atLineStart(i) || !heredoc) break;
        const lineEnd = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
        const line = text.slice(i, lineEnd);
        if ((heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) {
          state = 'plain';
          heredoc = null;
          i = lineEnd - 1;
        }
        break;
      }
    }
    i++;
  }
  if (state === 'single' || state === 'double') problems.push(`has an unterminated ${state} quote`);
  if (state === 'heredoc') problems.push(`has a here-document that never ends (no line ${JSON.stringify(heredoc?.delimiter)})`);
  if (state === 'here-single' || state === 'here-double') problems.push('has a here-string that never ends');
  return { placeholders, problems };
}

/** Replaces each placeholder by its rendered value; `values` holds every name the scan found. */
export function fillTemplate(text: string, placeholders: readonly Placeholder[], values: ReadonlyMap<string, string>): string {
  let out = '';
  let at = 0;
  for (const p of placeholders) {
    out += text.slice(at, p.start) + values.get(p.name)!;
    at = p.end;
  }
  return out + text.slice(at);
}

/**
 * Reads a YAML file into plain data, or into problems that name `file:line:col` so an editor can
 * jump there. Duplicate keys are errors (yaml's default): the second one silently winning is how
 * a config ends up not saying what its author reads.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';

export type YamlRead = { ok: true; data: unknown } | { ok: false; problems: string[] };

/** yaml appends " at line L, column C:" and a code excerpt; we give the position up front instead. */
const firstSentence = (message: string) => message.split(/ at line \d+, column \d+/)[0]?.trim() ?? message;

/**
 * One problem per place. yaml often reports one mistake several times from the same spot (a line
 * indented too deep gives "Nested mappings are not allowed in compact mappings" and "Implicit keys
 * need to be on a single line", both at the previous line's value): the first one there stands.
 * For a key that runs onto the next line, the mistake is that next line, so that is where we point.
 */
const yamlProblems = (doc: ReturnType<typeof parseDocument>, text: string, file: string): string[] => {
  const lines = text.split('\n');
  const spans = new Map<string, { at: string; message: string }>();
  for (const error of doc.errors) {
    const [start, end] = error.linePos ?? [];
    const key = start ? `${start.line}:${start.col}` : error.message;
    if (error.code === 'MULTILINE_IMPLICIT_KEY' && start && end && end.line > start.line) {
      const next = start.line + 1;
      const col = (lines[next - 1]?.search(/\S/) ?? 0) + 1;
      spans.set(key, {
        at: `${next}:${col}`,
        message: `this line is indented deeper than the key above it, so it reads as part of line ${start.line}'s value (a key and its value must be on one line); indent it like the keys around it`,
      });
    } else if (!spans.has(key)) {
      spans.set(key, { at: start ? `${start.line}:${start.col}` : '', message: firstSentence(error.message) });
    }
  }
  return [...new Set([...spans.values()].map(({ at, message }) => `${file}${at ? `:${at}` : ''}: ${message}`))];
};

export const parseYaml = (text: string, file: string): YamlRead => {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) return { ok: false, problems: yamlProblems(doc, text, file) };
  return { ok: true, data: doc.toJS() };
};

/** "line:col" of a character offset, for JSON.parse's "at position N". */
const lineCol = (text: string, offset: number): string => {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
};

/**
 * A `.json` file is read as JSON: YAML is a superset of it, so the data is the same, and
 * JSON.parse is ~100 times faster than `yaml`, which builds a document with positions (11–13 s
 * for 100,000 inventory hosts, issue #20; an inventory file of plain data takes the faster path
 * in yaml-fast.ts). One difference: a duplicated key is not an error there (the last one wins),
 * which the YAML path refuses.
 */
export const parseJson = (text: string, file: string): YamlRead => {
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    return { ok: false, problems: [`${file}${position ? `:${lineCol(text, Number(position))}` : ''}: ${message.replace(/ in JSON at position \d+.*$/, '')}`] };
  }
};

/** `hint` says what to do when the file cannot be read (it differs for config and inventory files). */
export const readYamlFile = async (file: string, hint: string): Promise<YamlRead> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, problems: [`${file}: cannot read the file (${code}); ${hint}`] };
  }
  return file.toLowerCase().endsWith('.json') ? parseJson(text, file) : parseYaml(text, file);
};

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

export const parseYaml = (text: string, file: string): YamlRead => {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const at = error.linePos?.[0];
        return `${file}${at ? `:${at.line}:${at.col}` : ''}: ${firstSentence(error.message)}`;
      }),
    };
  }
  return { ok: true, data: doc.toJS() };
};

/** "line:col" of a character offset, for JSON.parse's "at position N". */
const lineCol = (text: string, offset: number): string => {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
};

/**
 * A `.json` file is read as JSON: YAML is a superset of it, so the data is the same, and
 * JSON.parse is ~100 times faster than the YAML parser, which builds a document with positions
 * (~190 ms per 1,000 inventory hosts; 100,000 hosts took 13–21 s, issue #20). A generated
 * inventory is best written as JSON. One difference: a duplicated key is not an error there
 * (the last one wins), which the YAML path refuses.
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

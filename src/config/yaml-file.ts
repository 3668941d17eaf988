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

/** `hint` says what to do when the file cannot be read (it differs for config and inventory files). */
export const readYamlFile = async (file: string, hint: string): Promise<YamlRead> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { ok: false, problems: [`${file}: cannot read the file (${code}); ${hint}`] };
  }
  return parseYaml(text, file);
};

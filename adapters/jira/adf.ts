import type { DocBlock } from '../../src/tickets/ticket-doc.ts';

/**
 * Atlassian Document Format, the rich text Jira Cloud's v3 API insists on for descriptions,
 * comments and textarea custom fields. Only the nodes patchbot needs: doc, paragraph, heading,
 * bullet and ordered lists, code block, text and hard break.
 */
export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Lines joined by hard breaks. Jira refuses an empty text node, so blank lines become nothing. */
const inline = (text: string): AdfNode[] => text.split('\n').flatMap((line, i): AdfNode[] => [...(i > 0 ? [{ type: 'hardBreak' }] : []), ...(line ? [{ type: 'text', text: line }] : [])]);

const paragraph = (text: string): AdfNode => ({ type: 'paragraph', content: inline(text) });

const node = (block: DocBlock): AdfNode => {
  switch (block.kind) {
    case 'heading':
      return { type: 'heading', attrs: { level: 3 }, content: inline(block.text) };
    case 'paragraph':
      return paragraph(block.text);
    case 'code':
      return { type: 'codeBlock', content: block.text ? [{ type: 'text', text: block.text }] : [] };
    case 'list':
      // A list needs at least one item; an empty one says so instead.
      if (block.items.length === 0) return paragraph('(none)');
      return {
        type: block.ordered ? 'orderedList' : 'bulletList',
        content: block.items.map((item) => ({ type: 'listItem', content: [paragraph(item)] })),
      };
  }
};

export const adfDocument = (blocks: DocBlock[]): AdfDoc => ({ type: 'doc', version: 1, content: blocks.map(node) });

/** A note: one paragraph per blank-line-separated chunk. */
export const adfText = (text: string): AdfDoc =>
  adfDocument(
    text
      .split(/\n\s*\n/)
      .filter((chunk) => chunk.trim() !== '')
      .map((chunk): DocBlock => ({ kind: 'paragraph', text: chunk })),
  );

/** The text of an ADF document (or any node), one line per block, for finding a stamp. */
export const adfPlainText = (value: unknown): string => {
  if (typeof value !== 'object' || value === null) return '';
  const n = value as AdfNode;
  if (n.type === 'text') return n.text ?? '';
  if (n.type === 'hardBreak') return '\n';
  const inner = (n.content ?? []).map(adfPlainText);
  return n.type === 'paragraph' || n.type === 'heading' ? inner.join('') : inner.join('\n');
};

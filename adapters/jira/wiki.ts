import type { DocBlock } from '../../src/tickets/ticket-doc.ts';

/**
 * Jira wiki markup, what Data Center's v2 API renders in descriptions and comments. Host names and
 * shell commands are full of markup characters (`-y --only-upgrade` is strikethrough, `{{x}}` is
 * monospace, `[x]` a link), so every one is escaped with a backslash, which renders as the bare
 * character.
 */
const SPECIAL = /[\\{}[\]|*_^~+\-?!#]/g;

export const escapeWiki = (text: string): string => text.replace(SPECIAL, '\\$&');

export const unescapeWiki = (text: string): string => text.replace(/\\([\\{}[\]|*_^~+\-?!#])/g, '$1');

const block = (b: DocBlock): string => {
  switch (b.kind) {
    case 'heading':
      return `h3. ${escapeWiki(b.text.replace(/\n/g, ' '))}`;
    case 'paragraph':
      return escapeWiki(b.text);
    case 'code':
      // noformat shows everything verbatim; only its own closing tag could break out.
      return `{noformat}\n${b.text.replace(/\{noformat\}/g, '{ noformat}')}\n{noformat}`;
    case 'list':
      if (b.items.length === 0) return '(none)';
      return b.items.map((item) => `${b.ordered ? '#' : '*'} ${escapeWiki(item.replace(/\n/g, ' '))}`).join('\n');
  }
};

export const wikiDocument = (blocks: DocBlock[]): string => blocks.map(block).join('\n\n');

export const wikiText = (text: string): string => escapeWiki(text);

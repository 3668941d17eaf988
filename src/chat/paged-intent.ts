import type { Intent, IntentOf } from './intent.ts';

/** The answers whose lists are paged: `… page N` and the Next button ask for their pages. */
export const PAGED_KINDS = ['missing', 'status', 'pending', 'reboots', 'compliance', 'changes'] as const;
export type PagedKind = (typeof PAGED_KINDS)[number];
export type PagedIntent = IntentOf<PagedKind>;

export const isPaged = (intent: Intent): intent is PagedIntent => (PAGED_KINDS as readonly string[]).includes(intent.kind);

/** The command that asks this again, without its page: the next page is it plus `page N`. */
export const commandOf = (intent: PagedIntent): string => {
  switch (intent.kind) {
    case 'missing':
      return `missing ${intent.patch}${intent.target ? ` in ${intent.target}` : ''}`;
    case 'status':
      return `status ${intent.host}`;
    case 'compliance':
      return ['compliance', intent.standard, intent.target].filter(Boolean).join(' ');
    case 'changes':
      return 'changes';
    default:
      return `${intent.kind}${intent.target ? ` ${intent.target}` : ''}`;
  }
};

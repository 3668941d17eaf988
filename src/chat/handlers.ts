import type { Config } from '../config/schema.ts';
import type { PlaybookCatalog } from '../playbooks/load-playbooks.ts';
import { digestActions } from './announce/digest-actions.ts';
import { answerHandlers } from './answers/handlers.ts';
import { pageActions } from './answers/page-action.ts';
import { controlHandlers } from './changes/control-handlers.ts';
import { changeHandlers } from './changes/handlers.ts';
import type { ActionRegistry, HandlerRegistry } from './reply.ts';
import { scanHandler, type StartScan } from './scan-handler.ts';

export interface ChatHandlerOptions {
  /** For use cases that need policies, windows or channels (changes, compliance). */
  config: Config;
  /** Tells the rollout orchestrator a change moved (approved, resumed), so it acts at once. */
  kick?: (changeId: string, reason: string) => Promise<void>;
  /** Starts a scan (a process with a job queue); without it, `scan` says where to run it. */
  startScan?: StartScan;
  /** The playbooks, so a proposal they cannot run is refused when it is made. */
  catalog?: PlaybookCatalog;
}

/**
 * Every chat use case, for every surface and `patchbot ask` alike: one place, so chat and CLI
 * cannot drift. A feature adds its handlers here (`...changeHandlers(options)`); a kind nobody
 * registered answers "`propose` is not available yet".
 */
export const chatHandlers = (options: ChatHandlerOptions): { handlers: HandlerRegistry; actions: ActionRegistry } => {
  const changes = changeHandlers(options);
  const controls = controlHandlers(options);
  const handlers: HandlerRegistry = { ...answerHandlers, ...changes.handlers, ...controls.handlers, ...(options.startScan ? { scan: scanHandler(options.startScan) } : {}) };
  // A page button asks a list answer again: it goes through the same handlers as the typed question.
  return { handlers, actions: { ...changes.actions, ...controls.actions, ...digestActions(options), ...pageActions(handlers) } };
};

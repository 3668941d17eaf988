import type { ChatHub } from '../chat-hub.ts';
import { buildDigest } from './build-digest.ts';
import type { DigestPlanning } from './digest-windows.ts';
import type { EstateStore } from '../answers/estate.ts';

/**
 * The scan.finished hook: one digest card per scan that discovered patches, to the announce
 * channel of every surface. Never one message per patch, and nothing when nothing is new. Its
 * *Propose rollout* offers the windows as they stand now (`planning`).
 */
export const announceScan = async (hub: Pick<ChatHub, 'broadcast'>, store: EstateStore, scanId: string, planning: DigestPlanning): Promise<boolean> => {
  const card = await buildDigest(store, scanId, planning);
  if (!card) return false;
  await hub.broadcast([{ channel: 'announce', card }]);
  return true;
};

import type { ChatHub } from '../chat-hub.ts';
import { buildDigest } from './build-digest.ts';
import type { EstateStore } from '../answers/estate.ts';

/**
 * The scan.finished hook: one digest card per scan that discovered patches, to the announce
 * channel of every surface. Never one message per patch, and nothing when nothing is new.
 */
export const announceScan = async (hub: Pick<ChatHub, 'broadcast'>, store: EstateStore, scanId: string): Promise<boolean> => {
  const card = await buildDigest(store, scanId);
  if (!card) return false;
  await hub.broadcast([{ channel: 'announce', card }]);
  return true;
};

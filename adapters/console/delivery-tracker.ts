/**
 * What one live view has sent, by (message id, revision). Revisions come from a sequence, and
 * concurrent transactions can commit them out of order: revision 41 may become visible after 42
 * was sent. So a poll re-reads a window below the highest revision sent, and this drops what was
 * already sent; an edit is a new revision of the same id and goes out again.
 */
export interface DeliveryTracker {
  /** Where the next poll starts: `window` revisions below the cursor. */
  pollFrom(): number;
  /** The highest revision sent (or resumed from): the event id a reconnect resumes at. */
  cursor(): number;
  /** True when this revision of this message was not sent yet; it counts as sent from now on. */
  accept(message: { id: string; revision: number }): boolean;
}

export const createDeliveryTracker = (start: number, window: number, memory = 5000): DeliveryTracker => {
  let cursor = start;
  const sent = new Map<string, number>();
  const prune = () => {
    // Entries below the window are never read again by a poll, so forgetting them cannot duplicate.
    const floor = Math.max(0, cursor - window);
    for (const [key, revision] of sent) if (revision <= floor) sent.delete(key);
  };
  return {
    pollFrom: () => Math.max(0, cursor - window),
    cursor: () => cursor,
    accept({ id, revision }) {
      const key = `${id}@${revision}`;
      // At or below the window's floor: either sent before a resume, or seen by the previous stream.
      if (revision <= Math.max(0, start - window) || sent.has(key)) return false;
      sent.set(key, revision);
      if (revision > cursor) cursor = revision;
      if (sent.size > memory) prune();
      return true;
    },
  };
};

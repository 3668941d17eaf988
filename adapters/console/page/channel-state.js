// The messages the page holds, per channel and by id. A message arrives from a channel read or
// from the live stream, possibly twice and possibly out of order; the higher revision wins.

const byId = (a, b) => Number(a.id) - Number(b.id);

export const createChannelState = () => {
  const channels = new Map();
  const mapOf = (channel) => {
    if (!channels.has(channel)) channels.set(channel, new Map());
    return channels.get(channel);
  };
  /** The block a message is shown in: its thread's root when that root is here, else itself. */
  const rootIdOf = (map, m) => (m.threadOf && map.has(m.threadOf) ? m.threadOf : m.id);

  return {
    reset: () => channels.clear(),
    /**
     * Adds or replaces a message. Null when it is not newer than what is held (a duplicate from
     * the stream's re-read window); otherwise whether it is new and which block shows it.
     */
    upsert(m) {
      const map = mapOf(m.channel);
      const held = map.get(m.id);
      if (held && held.revision >= m.revision) return null;
      map.set(m.id, m);
      return { isNew: !held, rootId: rootIdOf(map, m) };
    },
    /** The roots of a channel in order, each with its replies. */
    blocks(channel) {
      const map = mapOf(channel);
      const all = [...map.values()].sort(byId);
      const replies = new Map();
      const roots = [];
      for (const m of all) {
        const root = rootIdOf(map, m);
        if (root === m.id) roots.push(m);
        else replies.set(root, [...(replies.get(root) ?? []), m]);
      }
      return roots.map((root) => ({ root, replies: replies.get(root.id) ?? [] }));
    },
    /** The id of the block that shows message `id` of `channel`. */
    rootOf(channel, id) {
      const map = mapOf(channel);
      const m = map.get(id);
      return m ? rootIdOf(map, m) : id;
    },
    block(channel, rootId) {
      return this.blocks(channel).find((b) => b.root.id === rootId) ?? null;
    },
    maxRevision(channel) {
      return Math.max(0, ...[...mapOf(channel).values()].map((m) => m.revision));
    },
    /** Messages of a channel newer than `revision` that someone else wrote: the unread count. */
    countAfter(channel, revision, me) {
      return [...mapOf(channel).values()].filter((m) => m.revision > revision && m.author !== me).length;
    },
  };
};

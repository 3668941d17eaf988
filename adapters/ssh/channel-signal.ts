import type { ClientChannel } from 'ssh2';

type ChannelInternals = {
  outgoing?: { id?: unknown; state?: unknown };
  _client?: { _protocol?: { signal?: unknown } };
};

/**
 * Sends a signal request ("KILL", "TERM", …) on an exec channel. Returns whether it was sent.
 *
 * Why not just channel.signal(): ssh2 (1.17) sends nothing once our side has sent EOF — it checks
 * `writable` — but we send EOF right after the exec so commands never wait on stdin, and RFC 4254
 * allows channel requests after EOF. So after EOF this makes the same protocol call signal()
 * makes. If ssh2's internals change shape it returns false, and the caller's fallback (ending the
 * connection) still stops the command's channel.
 */
export const signalChannel = (channel: ClientChannel, name: string): boolean => {
  if (channel.writable) {
    channel.signal(name);
    return true;
  }
  const internals = channel as unknown as ChannelInternals;
  const id = internals.outgoing?.id;
  const state = internals.outgoing?.state;
  const protocol = internals._client?._protocol;
  if (typeof id !== 'number' || state !== 'eof' || typeof protocol?.signal !== 'function') return false;
  (protocol.signal as (channelId: number, signal: string) => void).call(protocol, id, name);
  return true;
};

export interface LaneOptions {
  /** Messages a quiet channel may take at once ("short bursts", integrations §1.10). */
  burst?: number;
  /** Steady rate per channel: Slack's chat.postMessage allows about one per second; Teams paces per conversation the same way. */
  perSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ChannelLanes {
  /** Runs `work` after every earlier post to `channel` finished and a send token is free. */
  run<T>(channel: string, work: () => Promise<T>): Promise<T>;
  /** Resolves when every queued post has finished (shutdown). */
  idle(): Promise<void>;
}

interface Lane {
  tail: Promise<unknown>;
  tokens: number;
  refilledAt: number;
  pending: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One FIFO lane per channel with a token bucket: a burst of `burst` posts, then `perSecond`.
 * Serial per channel so a decision never lands before the card it decides, and so a 429 on one
 * post (which the WebClient waits out) holds back that channel's later posts instead of racing
 * them; other channels keep flowing.
 */
export const createChannelLanes = ({ burst = 3, perSecond = 1, now = Date.now, sleep = realSleep }: LaneOptions = {}): ChannelLanes => {
  const lanes = new Map<string, Lane>();

  const takeToken = async (lane: Lane) => {
    const at = now();
    lane.tokens = Math.min(burst, lane.tokens + ((at - lane.refilledAt) / 1000) * perSecond);
    lane.refilledAt = at;
    if (lane.tokens < 1) {
      await sleep(Math.ceil(((1 - lane.tokens) / perSecond) * 1000));
      lane.tokens = 1;
      lane.refilledAt = now();
    }
    lane.tokens -= 1;
  };

  return {
    run(channel, work) {
      const lane = lanes.get(channel) ?? { tail: Promise.resolve(), tokens: burst, refilledAt: now(), pending: 0 };
      lanes.set(channel, lane);
      lane.pending += 1;
      const result = lane.tail.then(async () => {
        await takeToken(lane);
        return work();
      });
      lane.tail = result
        .catch(() => undefined)
        .finally(() => {
          lane.pending -= 1;
          // A lane idle long enough to have refilled is forgotten: DMs must not pile up lanes.
          if (lane.pending === 0) setTimeout(() => lane.pending === 0 && lanes.get(channel) === lane && lanes.delete(channel), (burst / perSecond) * 1000).unref();
        });
      return result;
    },
    async idle() {
      await Promise.all([...lanes.values()].map((lane) => lane.tail));
    },
  };
};

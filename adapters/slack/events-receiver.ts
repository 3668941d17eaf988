import { parse as parseQuery } from 'node:querystring';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { type HttpHandler, type RequestContext, sendJson } from '../../src/server/router.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { UrlVerification } from './schema.ts';
import { verifyRequest } from './verify-request.ts';

export interface EventsReceiverOptions {
  signingSecret: string;
  log: Logger;
  now?: () => number;
  /** Bolt's own deadline: Slack gives up at 3 s, so an unacknowledged request is answered just after. */
  ackTimeoutMs?: number;
}

/** Slack sends this bare; anything after `;` is tolerated, unlike Bolt's HTTPReceiver (integrations §1.2). */
const isForm = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';

const parseBody = (raw: string, form: boolean): unknown => {
  if (!form) return JSON.parse(raw);
  const fields = parseQuery(raw);
  // Interactivity posts one `payload=` field of JSON; slash commands post plain fields.
  return typeof fields.payload === 'string' ? JSON.parse(fields.payload) : { ...fields };
};

const REFUSALS = {
  'missing-headers': 'invalid request signature',
  'bad-signature': 'invalid request signature',
  stale: 'request timestamp is too old',
  future: 'request timestamp is more than 5 minutes in the future',
} as const;

/** A signed body must still be an object: `null`, a number or a list would reach Bolt and fail there as a 500. */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const retryNumOf = (ctx: RequestContext): number | undefined => {
  const value = ctx.req.headers['x-slack-retry-num'];
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
};

/**
 * The thinnest Bolt Receiver that lives on patchbot's one HTTP server (Bolt's `types/receiver.ts`
 * contract): verify, parse, hand the body to `app.processEvent` with an `ack` that writes the HTTP
 * response, and nothing else. The listeners ack first and work after, so Slack always hears back
 * within its 3 s; a body no listener acknowledges is answered 404 like Bolt's HTTPReceiver does.
 */
export class EventsReceiver implements Receiver {
  private app: App | undefined;
  private readonly options: EventsReceiverOptions;

  constructor(options: EventsReceiverOptions) {
    this.options = options;
  }

  init(app: App): void {
    this.app = app;
  }

  /** The server is patchbot's, started and stopped by the service. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  readonly handler: HttpHandler = async (ctx) => {
    const { req, res } = ctx;
    const log = this.options.log;
    const raw = (await ctx.readBody()).toString('utf8');
    const form = isForm(req.headers['content-type']);
    // Slack's certificate probe carries no signature and does nothing; Bolt answers it the same way.
    if (form && parseQuery(raw).ssl_check === '1') return void res.writeHead(200).end();

    const verdict = verifyRequest(req.headers, raw, this.options.signingSecret, this.options.now?.());
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, 'slack request refused');
      return sendJson(res, 401, { error: REFUSALS[verdict.reason] });
    }

    let parsed: unknown;
    try {
      parsed = parseBody(raw, form);
    } catch {
      log.warn('slack request body unreadable');
      return sendJson(res, 400, { error: 'unreadable body' });
    }
    if (!isObject(parsed)) {
      log.warn('slack request body is not an object');
      return sendJson(res, 400, { error: 'the body must be a JSON object' });
    }
    const body = parsed;
    const challenge = UrlVerification.safeParse(body);
    if (challenge.success) return sendJson(res, 200, { challenge: challenge.data.challenge });

    const app = this.app;
    if (!app) return sendJson(res, 503, { error: 'not ready' });
    let acked = false;
    const answer = (status: number, response?: unknown) => {
      if (acked) return false;
      acked = true;
      clearTimeout(timer);
      if (response === undefined || response === '') res.writeHead(status).end();
      else if (typeof response === 'string') res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(response);
      else sendJson(res, status, response);
      return true;
    };
    const timer = setTimeout(() => {
      if (answer(404)) log.warn('slack request not acknowledged within 3 s');
    }, this.options.ackTimeoutMs ?? 3001);
    const retryNum = retryNumOf(ctx);
    const retryReason = typeof req.headers['x-slack-retry-reason'] === 'string' ? req.headers['x-slack-retry-reason'] : undefined;
    if (retryNum !== undefined) log.info({ retryNum, retryReason }, 'slack redelivered an event');
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        answer(200, response);
      },
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
    };
    try {
      await app.processEvent(event);
    } catch (error) {
      log.error({ err: error }, 'slack request failed');
      answer(500);
    }
    if (answer(404)) log.warn('slack request had no listener');
  };
}

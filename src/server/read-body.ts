import type { IncomingMessage } from 'node:http';
import { HttpError } from './router.ts';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

// After a 413 we keep reading (and dropping) the rest so the client sees the 413 instead of a reset
// and a keep-alive connection stays usable — but only up to this multiple of the limit; a client that
// keeps sending past it loses its socket (requestTimeout would end it anyway, just later).
const DRAIN_FACTOR = 16;

const tooLarge = (limit: number) => new HttpError(413, `request body is larger than ${limit} bytes`);

const discard = (req: IncomingMessage, limit: number, seen: number) => {
  let dropped = seen;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limit * DRAIN_FACTOR) req.socket.destroy();
  });
  req.resume();
};

/**
 * The raw bytes of a request body. Raw, not parsed: Slack and Jira sign the exact bytes, so parsing
 * happens after the signature check, in the adapter.
 */
export const readBody = (req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // Someone else drained the stream; waiting for 'end' would hang forever.
    if (req.readableEnded) return reject(new Error('request body was already consumed'));
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      discard(req, limit, 0);
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      discard(req, limit, size);
      reject(tooLarge(limit));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => {
      cleanup();
      reject(new HttpError(400, 'request body was cut off'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });

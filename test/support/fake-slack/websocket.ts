import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Just enough of RFC 6455 for Socket Mode's server side: the handshake, unmasked text frames out,
 * masked frames in (text, ping → pong, close → close). No extensions are offered back, so the
 * client (undici's WebSocket) uses none. The project has no WebSocket server library to lean on.
 */
export interface ServerSocket {
  send(text: string): void;
  /** Slack pings its clients; @slack/socket-mode reconnects when the pings stop. */
  ping(): void;
  onText(listener: (text: string) => void): void;
  close(): void;
  readonly closed: boolean;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const frame = (opcode: number, payload: Buffer): Buffer => {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65_536) {
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
};

export const acceptWebSocket = (req: IncomingMessage, socket: Duplex): ServerSocket => {
  const accept = createHash('sha1')
    .update(`${String(req.headers['sec-websocket-key'])}${GUID}`)
    .digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const listeners: ((text: string) => void)[] = [];
  let buffered = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let closed = false;

  const write = (opcode: number, payload: Buffer) => {
    if (!closed && !socket.destroyed) socket.write(frame(opcode, payload));
  };
  const shut = () => {
    if (closed) return;
    write(0x8, Buffer.from([0x03, 0xe8]));
    closed = true;
    socket.end();
    setTimeout(() => socket.destroy(), 500).unref();
  };

  const consume = () => {
    while (buffered.length >= 2) {
      const fin = (buffered[0]! & 0x80) !== 0;
      const opcode = buffered[0]! & 0x0f;
      const masked = (buffered[1]! & 0x80) !== 0;
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      const maskAt = offset;
      if (masked) offset += 4;
      if (buffered.length < offset + length) return;
      const payload = Buffer.from(buffered.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i += 1) payload[i]! ^= buffered[maskAt + (i % 4)]!;
      buffered = buffered.subarray(offset + length);
      if (opcode === 0x9) write(0xa, payload);
      else if (opcode === 0x8) shut();
      else if (opcode === 0x1 || opcode === 0x0) {
        fragments.push(payload);
        if (fin) {
          const text = Buffer.concat(fragments).toString('utf8');
          fragments = [];
          for (const listener of listeners) listener(text);
        }
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    consume();
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => undefined);

  return {
    send: (text) => write(0x1, Buffer.from(text, 'utf8')),
    ping: () => write(0x9, Buffer.from('ping from fake slack')),
    onText: (listener) => void listeners.push(listener),
    close: shut,
    get closed() {
      return closed;
    },
  };
};

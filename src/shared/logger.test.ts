import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { changeLogger, createLogger, hostLogger, type LoggerOptions, scrubSecrets } from './logger.ts';
import { formatPrettyLine } from './pretty-log.ts';

const capture = (options: Partial<LoggerOptions> = {}) => {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const log = createLogger({ level: 'debug', destination, ...options });
  return {
    log,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
};

const BOT = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
const APP = 'xapp-1-A0123456789-1234567890123-abcdef0123456789';
const USER = 'xoxp-2222-3333-4444-deadbeefcafe';
const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDsecretkeymaterialhere0000000000000000000AAAA',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const DB_PASSWORD = 'S3cr3t-pg-pass';
// As newAccessToken makes them (src/people/access-tokens.ts): pat_ and 32 random bytes in base64url.
const PAT = 'pat_Q2hhbmdlIHRoaXMgdG9rZW4gYmVmb3JlIHVzaW5n-_x';

describe('createLogger redaction', () => {
  it.each<[string, (log: ReturnType<typeof capture>['log']) => void, string[]]>([
    [
      'a nested config object',
      (log) => log.info({ config: { chat: { slack: { botToken: BOT, appToken: APP, signingSecret: 'sign-me-1234' } }, db: { password: DB_PASSWORD } } }, 'config loaded'),
      [BOT, APP, 'sign-me-1234', DB_PASSWORD],
    ],
    ['request headers', (log) => log.debug({ headers: { Authorization: 'Bearer abc.def.ghi-token', cookie: 'session=s3ss10n' } }, 'inbound request'), ['abc.def.ghi-token', 's3ss10n']],
    ['lower-case headers nested in a request', (log) => log.debug({ req: { headers: { authorization: 'Basic dXNlcjpwYXNzd29yZA==' } } }, 'inbound request'), ['dXNlcjpwYXNzd29yZA==']],
    ['an Error whose message carries a token', (log) => log.error({ err: new Error(`slack said invalid_auth for ${BOT}`) }, 'slack call failed'), [BOT]],
    ['an Error logged alone', (log) => log.error(new Error(`token ${USER} revoked`)), [USER]],
    ['an Error nested under another name, with a cause', (log) => log.warn({ failure: new Error('outer', { cause: new Error(`inner ${APP}`) }) }, 'retrying'), [APP]],
    ['a postgres URL with a password', (log) => log.info({ databaseUrl: `postgres://patchbot:${DB_PASSWORD}@db.internal:5432/patchbot` }, 'connecting'), [DB_PASSWORD]],
    ['a URL object with a password', (log) => log.info({ target: new URL(`https://svc:${DB_PASSWORD}@itsm.example.com/api`) }, 'calling'), [DB_PASSWORD]],
    [
      'a PEM private key in a field and in a message',
      (log) => log.info({ key: PEM, ssh: { privateKey: PEM, passphrase: 'pp-123456' } }, `loaded ${PEM}`),
      ['secretkeymaterialhere', 'b3BlbnNzaC1rZXktdjEA', 'pp-123456'],
    ],
    ['secrets in the message itself', (log) => log.info(`posting with ${BOT} to postgres://u:${DB_PASSWORD}@h/db`), [BOT, DB_PASSWORD]],
    ['secrets in an interpolated argument', (log) => log.info('header %s', `Bearer ${USER}`), [USER]],
    ['a personal access token pasted into text', (log) => log.warn(`someone typed ${PAT} into the channel`), [PAT]],
    [
      'secret names at any depth and in any case',
      (log) => log.info({ a: { b: { c: { d: { e: { api_key: 'deep-key-1' } } } } }, headers: { 'X-API-Key': 'hdr-key-2', 'Set-Cookie': ['sid=cookie-3'] } }, 'deep'),
      ['deep-key-1', 'hdr-key-2', 'cookie-3'],
    ],
    [
      'tokens in an array of integrations',
      (log) =>
        log.info(
          {
            integrations: [
              { name: 'jira', apiToken: 'jira-tok-9999' },
              { name: 'gh', personalAccessToken: 'ghp_abcdef123456' },
            ],
          },
          'integrations',
        ),
      ['jira-tok-9999', 'ghp_abcdef123456'],
    ],
  ])('keeps secrets out of %s', (_name, write, secrets) => {
    const { log, text } = capture();
    write(log);
    const out = text();
    expect(out.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it("keeps what is not secret and does not touch the caller's object", () => {
    const { log, lines } = capture();
    const config = { chat: { slack: { botToken: BOT, channel: '#ops' } }, db: { url: `postgres://patchbot:${DB_PASSWORD}@db:5432/p` } };
    log.info({ config }, 'config loaded');
    expect(lines()[0]).toMatchObject({
      msg: 'config loaded',
      config: { chat: { slack: { botToken: '[redacted]', channel: '#ops' } }, db: { url: 'postgres://patchbot:[redacted]@db:5432/p' } },
    });
    expect(config.chat.slack.botToken).toBe(BOT);
  });

  it('keeps the error type and stack, scrubbed', () => {
    const { log, lines } = capture();
    log.error({ err: new TypeError(`bad ${BOT}`) }, 'failed');
    const err = lines()[0]!.err as Record<string, string>;
    expect(err.type).toBe('TypeError');
    expect(err.message).toBe('bad [redacted]');
    expect(err.stack).toMatch(/^TypeError: bad \[redacted\]\n\s+at /);
  });
});

describe('scrubSecrets', () => {
  it.each([
    [`Authorization: Bearer ${USER}`, 'Authorization: Bearer [redacted]'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: Basic [redacted]'],
    ['Basic setup failed', 'Basic setup failed'],
    [`amqp://guest:${DB_PASSWORD}@mq:5672`, 'amqp://guest:[redacted]@mq:5672'],
    ['https://example.com/path?a=1&token=abc123&b=2', 'https://example.com/path?a=1&token=[redacted]&b=2'],
    ['https://hooks.slack.com/services/T000/B000/XXXXXXXX', 'https://hooks.slack.com/services/[redacted]'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow', '[redacted]'],
    ['plain text with no secrets, host web-1:22', 'plain text with no secrets, host web-1:22'],
  ])('%s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });
});

describe('child loggers', () => {
  it('carry the change id and host name on every line', () => {
    const { log, lines } = capture();
    const change = changeLogger(log, 'CHG-7');
    change.info('wave started');
    hostLogger(change, 'web-1').info({ exitCode: 0 }, 'host patched');
    expect(lines()).toMatchObject([
      { change: 'CHG-7', msg: 'wave started' },
      { change: 'CHG-7', host: 'web-1', exitCode: 0, msg: 'host patched' },
    ]);
  });
});

describe('pretty output', () => {
  it('prints time, level, message and fields on one readable line', () => {
    const { log, text } = capture({ format: 'pretty' });
    hostLogger(changeLogger(log, 'CHG-7'), 'web-1').warn({ attempt: 2, note: 'two words', token: BOT }, 'host unreachable');
    expect(text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}host unreachable change=CHG-7 host=web-1 attempt=2 note="two words" token=\[redacted\]\n$/);
  });

  it('is chosen by auto only on a terminal', () => {
    expect(capture({ format: 'auto', isTty: true }).log).toBeDefined();
    const tty = capture({ format: 'auto', isTty: true });
    tty.log.info('hello');
    expect(tty.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}hello\n$/);
    const pipe = capture({ format: 'auto', isTty: false });
    pipe.log.info('hello');
    expect(pipe.lines()[0]).toMatchObject({ level: 30, msg: 'hello' });
  });

  it('puts an error stack under the line and passes non-JSON through', () => {
    const line = formatPrettyLine(JSON.stringify({ level: 50, time: 0, msg: 'boom', err: { type: 'Error', message: 'bad', stack: 'Error: bad\n    at f (x.ts:1:1)', code: 'E1' } }));
    expect(line).toMatch(/ERROR boom err\.code=E1\n {4}Error: bad\n {4}at f \(x\.ts:1:1\)\n$/);
    expect(formatPrettyLine('not json')).toBe('not json\n');
  });
});

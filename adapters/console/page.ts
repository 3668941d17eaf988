import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

const PAGE_DIR = join(import.meta.dirname, 'page');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The page renders every value with DOM text nodes; the policy is the second wall: no inline
 * script, no other origin, no framing (clickjacking a Approve button), no Referer carrying a token.
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export interface PageFile {
  path: string;
  body: Buffer;
  type: string;
}

/** The page's files, read once at startup: `/` is index.html, the rest live under `/console/`. */
export const loadPage = (dir = PAGE_DIR): PageFile[] =>
  readdirSync(dir)
    .filter((name) => TYPES[extname(name)])
    .map((name) => ({ path: name === 'index.html' ? '/' : `/console/${name}`, body: readFileSync(join(dir, name)), type: TYPES[extname(name)]! }));

export const sendFile = (res: ServerResponse, file: PageFile): void => {
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': file.body.length });
  res.end(file.body);
};

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runPatchbot } from '../support/process.ts';

/** Reads a zip the way an unzipper does: from the central directory, checking each CRC. */
const unzip = (archive: Buffer): Map<string, Buffer> => {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i += 1) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const [crc, packed, nameLength, offset] = [archive.readUInt32LE(at + 16), archive.readUInt32LE(at + 20), archive.readUInt16LE(at + 28), archive.readUInt32LE(at + 42)];
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = offset + 30 + archive.readUInt16LE(offset + 26) + archive.readUInt16LE(offset + 28);
    const data = inflateRawSync(archive.subarray(dataAt, dataAt + packed));
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
  }
  return files;
};

const dir = mkdtempSync(join(tmpdir(), 'patchbot-teams-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('patchbot teams package', () => {
  it('writes an uploadable app package: the manifest with the app id and host filled in, and both icons', async () => {
    const out = join(dir, 'patchbot-teams.zip');
    const run = await runPatchbot(['teams', 'package', '--app-id', '0A1B2C3D-1111-2222-3333-444455556666', '--host', 'patchbot.example.com', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('https://patchbot.example.com/api/messages');
    const files = unzip(readFileSync(out));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { id: string; bots: { botId: string; scopes: string[] }[]; validDomains: string[] };
    expect(manifest.id).toBe('0a1b2c3d-1111-2222-3333-444455556666');
    expect(manifest.bots).toEqual([expect.objectContaining({ botId: manifest.id, scopes: ['personal', 'team', 'groupChat'] })]);
    expect(manifest.validDomains).toEqual(['patchbot.example.com']);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    // 192×192 colour and 32×32 outline, as Teams requires (PNG IHDR width and height).
    expect([files.get('color.png')!.readUInt32BE(16), files.get('outline.png')!.readUInt32BE(16)]).toEqual([192, 32]);
  });

  it('refuses a bad app id or host with a specific message and writes nothing', async () => {
    const out = join(dir, 'bad.zip');
    const run = await runPatchbot(['teams', 'package', '--app-id', 'my-bot', '--host', 'https://patchbot.example.com/api/messages', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--app-id must be the Azure Bot's Microsoft App ID, a GUID/);
    expect(run.stderr).toMatch(/--host must be a host name such as patchbot\.example\.com, without https:\/\/ or a path/);
    expect(() => readFileSync(out)).toThrow();
  });
});

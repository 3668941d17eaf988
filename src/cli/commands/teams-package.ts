import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../shared/package-root.ts';
import { zip } from '../../shared/zip.ts';
import { type Command, EXIT } from '../command.ts';

const TEMPLATE_DIR = join(PACKAGE_ROOT, 'config', 'teams-manifest');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** The manifest template with its placeholders filled; JSON-escaped, so a name cannot break it. */
export const teamsManifest = (values: { appId: string; host: string; name: string; developer: string }, template = readFileSync(join(TEMPLATE_DIR, 'manifest.json'), 'utf8')): string => {
  const fill: Record<string, string> = { APP_ID: values.appId, HOST: values.host, NAME: values.name, DEVELOPER: values.developer };
  const text = template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => (key in fill ? JSON.stringify(fill[key]).slice(1, -1) : whole));
  JSON.parse(text); // a broken template fails here, not in Teams' upload dialog
  return text;
};

export const teamsPackage: Command = {
  path: ['teams', 'package'],
  summary: 'build the Teams app package (manifest.json and icons) to upload in Teams',
  usage:
    'Usage: patchbot teams package --app-id GUID --host HOST [--name patchbot] [--developer NAME] [--out patchbot-teams.zip]\n' +
    "--app-id is the Azure Bot's Microsoft App ID; --host is patchbot's public name (its messaging endpoint is https://HOST/api/messages).\n" +
    'Writes a zip of config/teams-manifest/ with the values filled in. Exit 0 when written, 2 on usage errors.',
  options: {
    'app-id': { type: 'string', description: "the Azure Bot's Microsoft App ID (a GUID)" },
    host: { type: 'string', description: "patchbot's public host name (no scheme, no path)" },
    name: { type: 'string', description: 'the name Teams shows (default patchbot)', default: 'patchbot' },
    developer: { type: 'string', description: 'the publisher Teams shows (default: the name)' },
    out: { type: 'string', description: 'the zip to write (default patchbot-teams.zip)', default: 'patchbot-teams.zip' },
  },
  positionals: [0, 0],
  usesStore: false,
  run({ values, io }) {
    const appId = typeof values['app-id'] === 'string' ? values['app-id'] : '';
    const host = typeof values.host === 'string' ? values.host : '';
    const name = String(values.name ?? 'patchbot');
    const problems = [
      ...(GUID.test(appId) ? [] : [`--app-id must be the Azure Bot's Microsoft App ID, a GUID like 0a1b2c3d-1111-2222-3333-444455556666 (got "${appId}")`]),
      ...(HOST.test(host) ? [] : [`--host must be a host name such as patchbot.example.com, without https:// or a path (got "${host}")`]),
      ...(name.length >= 1 && name.length <= 30 ? [] : ['--name must be 1 to 30 characters (Teams short name)']),
    ];
    if (problems.length) {
      io.stderr.write(`patchbot teams package: ${problems.join('\n')}\n`);
      return Promise.resolve(EXIT.usage);
    }
    const manifest = teamsManifest({ appId: appId.toLowerCase(), host: host.toLowerCase(), name, developer: typeof values.developer === 'string' ? values.developer : name });
    const out = resolve(io.cwd, String(values.out ?? 'patchbot-teams.zip'));
    const icon = (file: string) => ({ name: file, data: readFileSync(join(TEMPLATE_DIR, file)) });
    writeFileSync(out, zip([{ name: 'manifest.json', data: Buffer.from(manifest) }, icon('color.png'), icon('outline.png')]));
    io.stdout.write(`Wrote ${out}: upload it in Teams › Apps › Manage your apps › Upload an app, then set the Azure Bot's messaging endpoint to https://${host}/api/messages.\n`);
    return Promise.resolve(EXIT.ok);
  },
};

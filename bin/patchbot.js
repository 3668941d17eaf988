#!/usr/bin/env node
// The `patchbot` command. Sources are TypeScript run through tsx's loader, so a checkout needs no
// build step; exit codes: 0 ok, 1 failure, 2 usage error.
/* global process */
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
// `start` resolves only after a graceful shutdown; everything else ends here.
process.exitCode = code;

// What the PGlite worker (pglite-worker.mjs) and the data directory preparer (pglite-prepare.mjs)
// share: the same PostgreSQL settings and the same private file modes. Plain JavaScript, for the
// reason pglite-worker.mjs gives.
import fs from 'node:fs';

/**
 * PGlite's defaults are a server's: shared_buffers 160 MB, maintenance_work_mem 64 MB. Inside
 * WebAssembly memory they cost the same, and that memory, once grown, is never given back to the
 * operating system: the service's idle RSS follows its largest moment. patchbot is one client of
 * a database of tens of megabytes per thousand hosts; the operating system's page cache holds the
 * files the buffers no longer keep. Measured (bench/footprint): an opened store went from 288 to
 * 176 MiB; the fan-out bench's 1,000-host scan ratios are recorded in bench/RESULTS.md.
 */
const SETTINGS = ['shared_buffers=16MB', 'maintenance_work_mem=16MB', 'temp_buffers=1MB', 'wal_buffers=512kB'];

/**
 * PGlite's own start parameters plus ours as `-c` options: PGlite's `postgresqlconf` option would
 * rewrite the data directory's postgresql.conf and drop what initdb wrote there (timezone,
 * datestyle, default_text_search_config).
 */
export const startParams = (PGlite) => [...PGlite.defaultStartParams, ...SETTINGS.flatMap((setting) => ['-c', setting])];

// PGlite's file system layer (Emscripten's NODEFS) creates files and then chmods them to 0666 or
// 0777 explicitly, past any umask: measured, 968 of 999 files of a fresh store were 0666. The
// processes and threads that run PGlite run nothing else, so there every mode it sets loses its
// group and other bits: directories 0700, files 0600.
const PRIVATE = ~0o077;
const privately = (name, modeAt) => {
  const original = fs[name];
  fs[name] = (...args) => {
    const mode = args[modeAt];
    if (typeof mode === 'number') args[modeAt] = mode & PRIVATE;
    else if (mode && typeof mode === 'object' && typeof mode.mode === 'number') args[modeAt] = { ...mode, mode: mode.mode & PRIVATE };
    return original.apply(fs, args);
  };
};

/** Call before PGlite opens a data directory; affects this thread's `fs` module only. */
export const keepFilesPrivate = () => {
  privately('chmodSync', 1);
  privately('fchmodSync', 1);
  privately('mkdirSync', 1);
  privately('writeFileSync', 2);
  privately('openSync', 2);
};

import { type Command, EXIT } from '../command.ts';

export const dbMigrate: Command = {
  path: ['db', 'migrate'],
  summary: 'apply pending database migrations (the service also does this at start)',
  usage: 'Usage: patchbot db migrate [--check]\n--check exits 1 when migrations are pending and changes nothing.',
  options: { check: { type: 'boolean', description: 'only report whether migrations are pending' } },
  usesStore: true,
  async run({ values, io, withStore }) {
    return withStore(async (handle) => {
      const before = await handle.migrationStatus();
      if (values.check) {
        const pending = before.latest - before.current;
        io.stdout.write(pending > 0 ? `${pending} migration(s) pending: schema at ${before.current}, latest ${before.latest}.\n` : `Schema is current (version ${before.current}).\n`);
        return pending > 0 ? EXIT.failure : EXIT.ok;
      }
      const applied = await handle.migrate();
      io.stdout.write(
        applied.length
          ? `Applied ${applied.join(', ')} on ${handle.engine}; schema now at version ${before.latest}.\n`
          : `Nothing to do: schema already at version ${before.current} (${handle.engine}).\n`,
      );
      return EXIT.ok;
    });
  },
};

import { afterEach, describe, expect, it } from 'vitest';
import type { OpenedStore } from '../../adapters/postgres/open-store.ts';
import { compareRpmVersions } from '../../src/discovery/parsers/rpm-version.ts';
import { hasRpm, RPM_VERSION_PAIRS, rpmOrder } from '../support/real-hosts/rpm-version-pairs.ts';
import { availableEngines, openFresh } from '../support/engines.ts';

/**
 * RPM's version order three ways: rpm itself (its Lua rpm.vercmp), the parser's
 * compareRpmVersions (which picks the highest of several installed versions) and migration 021's
 * rpm_version_cmp (what the writers compare a version that drops out of a RHEL host's report with).
 */
const PAIRS = RPM_VERSION_PAIRS;
const both = (compare: (a: string, b: string) => number) => PAIRS.map(([a, b]) => [a, b, Math.sign(compare(a, b)), Math.sign(compare(b, a))]);

describe('RPM version order', () => {
  it('compareRpmVersions orders as rpm does, both ways round', () => {
    if (!hasRpm) console.warn('[skip] rpm half: rpm is not installed; compareRpmVersions is checked against the SQL below only');
    else expect(both(compareRpmVersions)).toEqual(both(rpmOrder));
    // Not every pair is equal: the order has to decide something.
    expect(new Set(both(compareRpmVersions).map((r) => r[2]))).toEqual(new Set([-1, 0, 1]));
  });
});

describe.each(availableEngines())('migration 021 on %s', (engine) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.store.close();
    opened = undefined;
  });

  it('rpm_version_cmp orders as compareRpmVersions (and so rpm) does, both ways round', async () => {
    opened = await openFresh(engine);
    const rows = await opened.sql.query<{ a: string; b: string; ab: number; ba: number }>(
      'select a, b, rpm_version_cmp(a, b) as ab, rpm_version_cmp(b, a) as ba from unnest($1::text[], $2::text[]) with ordinality as p(a, b, n) order by n',
      [PAIRS.map((p) => p[0]), PAIRS.map((p) => p[1])],
    );
    expect(rows.map((r) => [r.a, r.b, Math.sign(r.ab), Math.sign(r.ba)])).toEqual(both(compareRpmVersions));
  });
});

import { expect } from 'chai';
import pg from 'pg';
import { parsePgTimestamp } from '../../../../src/adapters/postgres/sql/pg-timestamp.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

/** The general path: ISO 8601 for Date to parse (the only path before the fast one). */
const reference = (text: string) => new Date(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));

describe('parsePgTimestamp: timestamptz text to a Date', () => {
  it('reads the common shapes in place, as Date would parse them', () => {
    const cases: [string, string][] = [
      ['2026-11-24 05:51:51.083+00', '2026-11-24T05:51:51.083Z'],
      ['2026-11-24 05:51:51+00', '2026-11-24T05:51:51.000Z'],
      ['2026-11-24 05:51:51.5+00', '2026-11-24T05:51:51.500Z'],
      ['2026-11-24 05:51:51.08+00', '2026-11-24T05:51:51.080Z'],
      ['2026-11-24 05:51:51.083999+00', '2026-11-24T05:51:51.083Z'],
      ['2026-11-24 05:51:51+05:30', '2026-11-24T00:21:51.000Z'],
      ['2026-01-01 00:00:00.5-08', '2026-01-01T08:00:00.500Z'],
      ['2026-03-29 23:59:59.999-03:30', '2026-03-30T03:29:59.999Z'],
      ['0001-01-01 00:00:00+00', '0001-01-01T00:00:00.000Z'],
    ];
    for (const [text, iso] of cases) {
      expect(parsePgTimestamp(text).toISOString(), text).to.equal(iso);
      expect(parsePgTimestamp(text).getTime(), text).to.equal(reference(text).getTime());
    }
  });

  it('leaves every other shape to the general parser', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '2026-11-24 05:51:51+00:01:15',
      '2026-11-24T05:51:51.083+00',
      '2026-11-24 05:51:51 BC+00',
      'x026-11-24 05:51:51+00',
      '2026-11-24 05-51:51+00',
      '2026-11-24 05:51:51.08',
    ]) {
      const expected = reference(text).getTime();
      const actual = parsePgTimestamp(text).getTime();
      expect(Number.isNaN(actual) ? 'invalid' : actual, text).to.equal(Number.isNaN(expected) ? 'invalid' : expected);
    }
  });

  it('agrees with PostgreSQL on the instant, whatever the session time zone (PostgreSQL)', async function () {
    this.timeout(20_000);
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham', 'America/Los_Angeles']) {
        await client.query(`set time zone '${zone}'`);
        // Fractions of 0 to 6 digits, both sides of daylight-saving changes, and a timestamp(3) column's rounding.
        const { rows } = await client.query<{ text: string; millis: string }>(`
          select t::text as text, floor(extract(epoch from t) * 1000)::bigint::text as millis
          from (select timestamptz '2026-03-08 09:59:59.123456+00' + make_interval(hours => h, secs => s) as t
                from generate_series(0, 48, 7) as h, unnest(array[0, 0.5, 0.25, 0.125, 0.0625, 0.001, 0.000001]) as s
                union all select '2026-11-24 05:51:51.0835+00'::timestamptz(3)) as samples`);
        expect(rows.length).to.be.greaterThan(40);
        for (const row of rows) {
          expect(parsePgTimestamp(row.text).getTime(), `${zone}: ${row.text}`).to.equal(Number(row.millis));
        }
      }
    } finally {
      await client.end();
    }
  });
});

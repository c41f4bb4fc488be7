import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import pg from 'pg';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { mikroOrmOptions, SESSION_OPTIONS } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import {
  type TitleIntersection,
  type TitleIntersectionParams,
  titleIntersection,
  WALK_START,
} from '../../../../src/adapters/postgres/search/title-postings/title-intersection.js';
import { anOpportunity } from '../../../support/builders.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('Title intersection: the two-word title tier read in time order (PostgreSQL)', () => {
  let orm: MikroORM;
  let client: pg.Client;
  const statement = () => titleIntersection(orm.em.fork().getKysely<SearchDatabase>(), 'forward');
  const base = { ...WALK_START.forward, take: 3, walk: 2_000, typed: '' };
  // As the service's pools run it: a named prepared statement with a generic plan.
  const run = async (params: TitleIntersectionParams): Promise<TitleIntersection> => {
    const { name, text, values } = statement();
    return (await client.query<TitleIntersection>({ name, text, values: values(params) })).rows[0] as TitleIntersection;
  };
  const plan = async (params: TitleIntersectionParams): Promise<PlanNode[]> => {
    const { name, values } = statement();
    const literal = (value: unknown) =>
      Array.isArray(value)
        ? client.escapeLiteral(`{${value.map((item) => JSON.stringify(item)).join(',')}}`)
        : typeof value === 'number'
          ? String(value)
          : client.escapeLiteral(value instanceof Date ? value.toISOString() : String(value));
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `explain (analyze, format json) execute ${name}(${values(params).map(literal).join(', ')})`,
    );
    return nodesOf((rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]?.Plan as PlanNode);
  };

  before(async () => {
    const url = await testDatabaseUrl();
    orm = await MikroORM.init(mikroOrmOptions({ url }));
    client = new pg.Client({ connectionString: url, options: SESSION_OPTIONS });
    await client.connect();
    // Postings as the triggers write them, enough of them for PostgreSQL to plan as at scale: 9,000
    // titles a second apart, "python" in two of three, "mentor" in two of three (both in one of
    // three), and 27,000 postings of 300 other words.
    await orm.em.getConnection()
      .execute(`truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting;
      insert into search_title_posting (lexeme, created_at, opportunity_id)
        select lexeme, timestamptz '2026-01-01' + make_interval(secs => i), md5(i::text)::uuid
        from generate_series(1, 9000) as i,
          lateral (values ('python', i % 3 <> 2), ('mentor', i % 3 <> 1), ('word' || (i % 300), true),
            ('word' || ((i + 100) % 300), true), ('word' || ((i + 200) % 300), true)) as l(lexeme, present)
        where present`);
    // As autovacuum leaves a settled table: statistics, and a visibility map for index-only scans.
    await orm.em.getConnection().execute('vacuum analyze search_title_posting');
  });
  after(async () => {
    await orm.em.getConnection().execute('truncate search_title_posting');
    await client.end();
    await orm.close();
  });

  it('stops after the rows it returns: ordered index scans merged and joined, nothing sorted or hashed', async () => {
    const params = { ...base, first: ['python'], second: ['mentoring'] };
    const found = await run(params);
    const { rows } = await client.query<{ id: string }>(
      `select md5(i::text)::uuid as id from generate_series(9000, 1, -1) as i where i % 3 = 0 limit 3`,
    );
    expect(found).to.deep.equal({ fits: true, ids: rows.map((row) => row.id), inconclusive: false });

    const nodes = await plan(params);
    const types = nodes.map((node) => node['Node Type']);
    expect(types).to.include.members(['Merge Join', 'Merge Append']);
    expect(types).to.not.include('Hash Join');
    expect(types).to.not.include('HashAggregate');
    // The only sort orders the 3 rows found, never a posting list.
    const sorted = nodes.filter((node) => node['Node Type'] === 'Sort').map((node) => node['Actual Rows']);
    expect(sorted).to.deep.equal([3]);
    const postingsRead = nodes
      .filter((node) => node['Node Type'] === 'Index Only Scan')
      .reduce((sum, node) => sum + (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1), 0);
    // 3 matches need about 5 of each word's 6,000 postings (one in three titles has both words).
    expect(postingsRead).to.be.within(6, 20);
  });

  it('continues after a position, and says when a short walk may have missed matches', async () => {
    const first = await run({ ...base, first: ['python'], second: ['mentor'] });
    const { rows } = await client.query<{ created_at: Date; id: string }>(
      'select created_at, opportunity_id as id from search_title_posting where opportunity_id = $1 limit 1',
      [first.ids[2]],
    );
    const after = rows[0] as { created_at: Date; id: string };
    const next = await run({
      ...base,
      first: ['python'],
      second: ['mentor'],
      createdAt: after.created_at,
      id: after.id,
    });
    const { rows: following } = await client.query<{ id: string }>(
      `select md5(i::text)::uuid as id from generate_series(9000, 1, -1) as i where i % 3 = 0 offset 3 limit 3`,
    );
    expect(next.ids).to.deep.equal(following.map((row) => row.id));
    // Walks of 2 postings meet one match; walks of 7,000 reach the end: all 3,000, nothing missed.
    expect(await run({ ...base, walk: 2, first: ['python'], second: ['mentor'] })).to.include({ inconclusive: true });
    const all = await run({ ...base, take: 4_000, walk: 7_000, first: ['python'], second: ['mentor'] });
    expect(all).to.include({ inconclusive: false });
    expect(all.ids).to.have.length(3_000);
    // A rare word (no title has it) against a common one: nothing is missed, whatever the walks.
    expect(await run({ ...base, walk: 2, first: ['sommelier'], second: ['mentor'] })).to.deep.equal({
      fits: true,
      ids: [],
      inconclusive: false,
    });
  });

  it('does not fit a clause of stop words only, or one with more lexemes than the slots', async () => {
    expect(await run({ ...base, first: ['python'], second: ['the'] })).to.include({ fits: false });
    const many = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
    expect(await run({ ...base, first: ['python'], second: many })).to.include({ fits: false });
  });

  it('does not fit a corrected query when some row has a corrected word as typed (it would rank higher)', async () => {
    const params = { ...base, first: ['python'], second: ['mentor'] };
    expect(await run({ ...params, typed: "'pyhton'" })).to.include({ fits: true });
    const row = anOpportunity({ title: 'Typing club', description: 'We type pyhton on purpose.' });
    await new PostgresOpportunityRepository(orm).add(row);
    try {
      expect(await run({ ...params, typed: "'pyhton'" })).to.include({ fits: false });
      expect(await run({ ...params, typed: "'pythn' | 'mentr'" })).to.include({ fits: true });
    } finally {
      await orm.em.getConnection().execute('truncate opportunity, search_vocabulary, search_vocabulary_variant');
    }
  });
});

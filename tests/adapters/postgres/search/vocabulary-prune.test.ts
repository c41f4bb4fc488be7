import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { RoutedQueries } from '../../../../src/adapters/postgres/read-routing/routed-queries.js';
import {
  restoreVariantsStatement,
  VocabularyPrune,
} from '../../../../src/adapters/postgres/search/vocabulary/vocabulary-prune.js';
import { compileOnlyKysely } from '../../../support/compile-only-kysely.js';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import { anOpportunity } from '../../../support/builders.js';
import { testDatabaseUrl } from '../../../support/test-database.js';
import { findSubplan, type PlanNode } from '../../../support/query-plan.js';
import { startTestService } from '../../../support/test-service.js';
import { waitUntil } from '../../../support/wait.js';

describe('Search vocabulary prune (PostgreSQL)', () => {
  let orm: MikroORM;
  let repository: PostgresOpportunityRepository;
  const vocabulary = async (): Promise<string[]> =>
    (await orm.em.getConnection().execute<{ word: string }[]>('select word from search_vocabulary order by word')).map(
      (row) => row.word,
    );

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    repository = new PostgresOpportunityRepository(orm);
  });
  beforeEach(async () => {
    await orm.em.getConnection().execute('truncate opportunity, search_vocabulary, search_vocabulary_variant');
  });
  after(async () => orm.close());

  it('removes the words no row contains any more, in batches, and keeps every word still used', async () => {
    const kept = anOpportunity({ title: 'Mentor wanted', description: 'The garden needs zqxjkv help.', tags: [] });
    const edited = anOpportunity({ title: 'Mentoring evenings', description: 'Plant wvrqpt trees.', tags: ['qpzm'] });
    const deleted = anOpportunity({ title: 'Brzfnagle party', description: 'Cook xkcdjq soup.', tags: [] });
    for (const row of [kept, edited, deleted]) await repository.add(row);
    expect(await vocabulary()).to.include.members(['wvrqpt', 'qpzm', 'brzfnagle', 'xkcdjq', 'mentoring']);

    const version = edited.version;
    edited.revise({ title: 'Mentoring evenings', description: 'Plant trees.', category: edited.category }, new Date());
    await repository.update(edited, version);
    await repository.remove(deleted.id);
    // A batch of two words makes the pass span many statements.
    const removed = await new VocabularyPrune(orm, new RoutedQueries(orm), 2).execute();

    const words = await vocabulary();
    const gone = ['wvrqpt', 'qpzm', 'brzfnagle', 'party', 'cook', 'xkcdjq', 'soup'];
    for (const word of gone) expect(words, `"${word}" is in no row`).to.not.include(word);
    expect(removed).to.equal(gone.length);
    // Still in a row; "mentoring" shares its stem with "mentor"; "the" is a stop word with no stem.
    expect(words).to.include.members(['mentor', 'wanted', 'garden', 'zqxjkv', 'mentoring', 'evenings', 'plant', 'the']);
    // Typo corrections forget the pruned words too (vocabulary-variants.test.ts checks the rest).
    const prefixes = await orm.em
      .getConnection()
      .execute<{ prefix: string }[]>('select distinct prefix from search_vocabulary_variant');
    expect(prefixes.map((row) => row.prefix)).to.include.members(['mentor', 'zqxjkv', 'garden']);
    for (const gone of ['brzfna', 'wvrqpt', 'xkcdjq']) expect(prefixes.map((row) => row.prefix)).to.not.include(gone);
    expect(await new VocabularyPrune(orm, new RoutedQueries(orm), 2).execute(), 'a second pass finds nothing').to.equal(
      0,
    );
  });

  it('gives back the deletion variants of a prefix that lost them to a write racing with a pass', async () => {
    await repository.add(anOpportunity({ title: 'Mentor wanted', description: 'Garden help.', tags: [] }));
    const variants = async (prefix: string) =>
      (
        await orm.em
          .getConnection()
          .execute<{ n: number }[]>('select count(*)::int as n from search_vocabulary_variant where prefix = ?', [
            prefix,
          ])
      )[0]?.n;
    const before = await variants('mentor');
    expect(before).to.be.greaterThan(20);
    await orm.em.getConnection().execute(`delete from search_vocabulary_variant where prefix = 'mentor'`);
    await new VocabularyPrune(orm, new RoutedQueries(orm)).execute();
    expect(await variants('mentor')).to.equal(before);
  });

  it('finds every prefix lacking variants before inserting any (no probe reads its own inserts)', async () => {
    // Statistics that say the variants table is empty: the plan most likely to rescan it per prefix.
    await orm.em.getConnection().execute('analyze search_vocabulary_variant');
    const { text } = restoreVariantsStatement(compileOnlyKysely<SearchDatabase>());
    const [explained] = await orm.em
      .getConnection()
      .execute<{ 'QUERY PLAN': { Plan: PlanNode }[] }[]>(`explain (format json) ${text}`);
    const lacking = findSubplan(explained?.['QUERY PLAN'][0]?.Plan as PlanNode, 'CTE lacking');
    // One aggregate over every lacking prefix: it returns only once it has read all of its input.
    expect(lacking?.['Node Type']).to.equal('Aggregate');
  });

  it('runs on a schedule in the service (SEARCH_VOCABULARY_PRUNE_INTERVAL_SECONDS)', async () => {
    const api = await startTestService({ SEARCH_VOCABULARY_PRUNE_INTERVAL_SECONDS: '1', RATE_LIMIT_ENABLED: 'false' });
    try {
      const token = await api.tokenFor({ userId: 'prune-user' });
      const created = await api.request('/api/v1/opportunities', {
        method: 'POST',
        token,
        json: { title: 'Qwvzjrk workshop', description: 'Bring tools.', category: 'community' },
      });
      expect(created.status).to.equal(201);
      const { id } = (await created.json()) as { id: string };
      expect(await vocabulary()).to.include('qwvzjrk');
      expect((await api.request(`/api/v1/opportunities/${id}`, { method: 'DELETE', token })).status).to.equal(204);
      await waitUntil(async () => !(await vocabulary()).includes('qwvzjrk'), { what: 'the deleted word pruned' });
    } finally {
      await api.stop();
    }
  });
});

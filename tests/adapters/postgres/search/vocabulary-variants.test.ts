import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

/** Every string made from `word` by deleting up to `deletes` letters, written independently of the SQL. */
function deletions(word: string, deletes: number): Set<string> {
  let level = new Set([word]);
  const all = new Set(level);
  for (let round = 0; round < deletes; round += 1) {
    const next = new Set<string>();
    for (const text of level) {
      const letters = [...text];
      letters.forEach((_, at) => next.add([...letters.slice(0, at), ...letters.slice(at + 1)].join('')));
    }
    for (const text of next) all.add(text);
    level = next;
  }
  return all;
}

/** What the variants table must hold for a vocabulary: each prefix of 6 letters (or the word) once. */
function expectedVariants(words: readonly string[]): string[] {
  const rows = new Set<string>();
  for (const word of words) {
    if ([...word].length < 4) continue;
    const prefix = [...word].slice(0, 6).join('');
    for (const variant of deletions(prefix, 2)) rows.add(`${variant} ${prefix}`);
  }
  return [...rows].sort();
}

describe('Search vocabulary deletion variants (PostgreSQL)', () => {
  let orm: MikroORM;
  const run = <T>(sql: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(sql, params);
  const variants = async () =>
    (await run<{ row: string }>(`select variant || ' ' || prefix as row from search_vocabulary_variant`))
      .map((row) => row.row)
      .sort();
  const vocabulary = async () =>
    (await run<{ word: string }>('select word from search_vocabulary')).map((row) => row.word);

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
  });
  beforeEach(() => run('truncate opportunity, search_vocabulary, search_vocabulary_variant'));
  after(async () => {
    await run('truncate search_vocabulary, search_vocabulary_variant');
    await orm.close();
  });

  it('follows the vocabulary: a new word adds its prefix variants, the last word of a prefix takes them', async () => {
    await run(`insert into search_vocabulary values ('mentor'), ('mentoring'), ('kiln'), ('ox'), ('café'), ('mentr')`);
    expect(await variants()).to.deep.equal(expectedVariants(await vocabulary()));
    expect(await variants()).to.include.members(['mentr mentor', 'mntr mentor', 'kin kiln', 'caf café', 'cf café']);
    expect(
      (await variants()).filter((row) => row.endsWith(' ox')),
      'words under 4 letters',
    ).to.deep.equal([]);

    // "mentoring" still has the prefix "mentor"; "mentr" is a prefix (a word) of its own.
    await run(`delete from search_vocabulary where word in ('mentor', 'kiln')`);
    expect(await variants()).to.deep.equal(expectedVariants(await vocabulary()));
    expect(await variants()).to.include('mentr mentor');
    await run(`delete from search_vocabulary where word = 'mentoring'`);
    expect(await variants()).to.deep.equal(expectedVariants(await vocabulary()));
    expect((await variants()).filter((row) => row.endsWith(' mentor'))).to.deep.equal([]);
    expect(await variants()).to.include('mentr mentr');
  });

  it('is filled by the opportunity writes that add words', async () => {
    await run(`insert into opportunity (id, title, description, category, tags, created_by, created_at, updated_at, version)
      values (gen_random_uuid(), 'Beekeeping apprentice', 'Learn to tend hives.', 'animals', '{}', '1', now(), now(), 1)`);
    const words = await vocabulary();
    expect(words).to.include.members(['beekeeping', 'apprentice', 'hives']);
    expect(await variants()).to.deep.equal(expectedVariants(words));
  });
});

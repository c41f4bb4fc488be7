import type { MikroORM } from '@mikro-orm/postgresql';
import { type Kysely, sql } from 'kysely';
import { bind, prepare, type PreparedStatement } from '../../sql/prepared-statement.js';
import type { RoutedQueries } from '../../read-routing/routed-queries.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { matches, toTsQuery as stem } from '../query/text-search.js';
import { PREFIX_LENGTH, SHORTEST_CORRECTION, STORED_DELETES } from '../../schema/vocabulary-variants.entity-schema.js';

interface BatchParams {
  /** The batch starts after this word (C collation; '' before the first). */
  readonly after: string;
  readonly limit: number;
}

/** How many of the newest rows are read first, for the words most rows share. */
const SAMPLE_ROWS = 256;

/**
 * The trigger adds every new word of a write to the vocabulary and never removes one: words of
 * deleted or edited rows would stay forever, and a client writing random words could grow the
 * vocabulary (and its deletion variants, which every typo correction reads) without bound. A prune
 * pass walks the vocabulary in batches and deletes the words no row contains any more.
 *
 * "Contains" is tested through the search vector's GIN index with the word's stem, so a word is
 * kept while any row has a word of the same stem (`mentoring` stays while a row says `mentor`):
 * conservative, never a word still in use. Stop words have no stem and are kept. A batch locks its
 * words (skipping words another instance's prune holds), so a write adding a word waits for the
 * batch to commit and re-inserts it if it was deleted; only a write that added its row between
 * the trigger's look-up and its own commit, while the batch ran, can leave its word out until the
 * row is written again.
 */
export class VocabularyPrune {
  private readonly batch: PreparedStatement<BatchParams>;
  private readonly restore: PreparedStatement<Record<string, never>>;

  constructor(
    orm: MikroORM,
    private readonly queries: RoutedQueries,
    private readonly batchSize = 200,
  ) {
    const db = orm.em.fork().getKysely<SearchDatabase>();
    this.batch = batchStatement(db);
    this.restore = restoreVariantsStatement(db);
  }

  /** One pass over the whole vocabulary; returns how many words were removed. */
  async execute(): Promise<number> {
    let after = '';
    let deleted = 0;
    for (;;) {
      const { rows } = await this.queries.write<{ last: string | null; deleted: number }>(
        bind(this.batch, { after, limit: this.batchSize }),
      );
      const row = rows[0];
      deleted += row?.deleted ?? 0;
      if (!row?.last) break;
      after = row.last;
    }
    await this.restoreVariants();
    return deleted;
  }

  /** Gives the deletion variants back to every prefix that has none (see `restoreVariantsStatement`). */
  async restoreVariants(): Promise<void> {
    await this.queries.write(bind(this.restore, {}));
  }
}

/**
 * The deletion variants of every prefix that has none. A batch removing the last word of a prefix
 * takes its variants along; a write adding a word with that prefix at the same instant (after the
 * batch looked, before it committed) keeps its word without variants, so typos of it would not be
 * corrected. Once per pass, such prefixes get theirs back: one primary-key probe per prefix
 * (90,000 prefixes for 274,000 words: about 0.35 s on PostgreSQL 15, once an hour by default).
 * On an empty table it fills all of them (the bench seed uses it so).
 *
 * The prefixes lacking variants are all found before the first insert: one array aggregated over
 * all of them (an aggregate returns nothing until it has read everything). Probing the table
 * while inserting into it made the statement quadratic whenever the plan rescanned the table per prefix (its statistics
 * saying it was empty): each probe read every row inserted so far (20,000 words took 6.8 s
 * against 0.4 s for 5,000).
 */
export function restoreVariantsStatement(db: Kysely<SearchDatabase>): PreparedStatement<Record<string, never>> {
  return prepare<Record<string, never>>(
    () =>
      db
        .with(
          (cte) => cte('lacking').materialized(),
          (qc) =>
            qc
              .selectFrom(
                qc
                  .selectFrom('search_vocabulary as v')
                  .select(sql<string>`left(v.word, ${sql.lit(PREFIX_LENGTH)})`.as('prefix'))
                  .distinct()
                  .where(sql<number>`length(v.word)`, '>=', sql.lit(SHORTEST_CORRECTION))
                  .as('p'),
              )
              .select(sql<string[]>`coalesce(array_agg(p.prefix), '{}')`.as('prefixes'))
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('search_vocabulary_variant as x')
                      .select(sql.lit(1).as('one'))
                      .whereRef('x.variant', '=', 'p.prefix')
                      .whereRef('x.prefix', '=', 'p.prefix'),
                  ),
                ),
              ),
        )
        .insertInto('search_vocabulary_variant')
        .columns(['variant', 'prefix'])
        .expression((eb) =>
          eb
            .selectFrom(sql<{ prefix: string }>`(select unnest(prefixes) from lacking)`.as<'l'>(sql`l(prefix)`))
            .innerJoin(
              sql<{ variant: string }>`search_vocabulary_variants(l.prefix, ${sql.lit(STORED_DELETES)})`.as<'k'>(
                sql`k(variant)`,
              ),
              (join) => join.onTrue(),
            )
            .select(['k.variant', 'l.prefix']),
        )
        .onConflict((conflict) => conflict.doNothing()),
    'vocabulary_restore_variants',
  );
}

function batchStatement(db: Kysely<SearchDatabase>): PreparedStatement<BatchParams> {
  return prepare<BatchParams>(
    (param) =>
      db
        .with('batch', (q) =>
          q
            .selectFrom('search_vocabulary as v')
            .select('v.word')
            .where('v.word', '>', param('after'))
            .orderBy('v.word')
            .limit(param('limit'))
            .forUpdate()
            .skipLocked(),
        )
        // Most words of a vocabulary are in many rows: a sample of the newest rows finds them at
        // once. Only the words it misses are looked up in the GIN index.
        .with(
          (cte) => cte('sample').materialized(),
          (q) =>
            q
              .selectFrom('opportunity as o')
              .select('o.search_vector')
              .orderBy('o.created_at', 'desc')
              .orderBy('o.id', 'desc')
              .limit(SAMPLE_ROWS),
        )
        .with('gone', (q) =>
          q
            .deleteFrom('search_vocabulary as v')
            .using('batch as b')
            .whereRef('v.word', '=', 'b.word')
            .where((eb) => sql<boolean>`numnode(${stem(eb.ref('b.word'))}) > 0`)
            // CASE keeps the order: the sample first, the index only for what it did not find.
            .where(({ case: when, exists, selectFrom, lit }) =>
              when()
                .when(
                  exists(
                    selectFrom('sample as s')
                      .select(lit(1).as('one'))
                      .where((eb) => matches(eb.ref('s.search_vector'), stem(eb.ref('b.word')))),
                  ),
                )
                .then(false)
                .when(
                  exists(
                    selectFrom('opportunity as o')
                      .select(lit(1).as('one'))
                      // The test is written twice on purpose. For a word unknown at planning time the
                      // planner assumes thousands of matches, so it expects a sequential scan to
                      // stop early, which for a word in no row reads the whole table (seconds at a
                      // million rows). Twice, the estimate drops to a few rows and the GIN index is used.
                      .where((eb) => matches(eb.ref('o.search_vector'), stem(eb.ref('b.word'))))
                      .where((eb) => matches(eb.ref('o.search_vector'), stem(eb.ref('b.word')))),
                  ),
                )
                .then(false)
                .else(true)
                .end(),
            )
            .returning('v.word'),
        )
        .selectNoFrom((eb) => [
          eb
            .selectFrom('batch')
            .select((batch) => batch.fn.max('batch.word').as('m'))
            .as('last'),
          eb
            .selectFrom('gone')
            .select(sql<number>`count(*)::int`.as('n'))
            .as('deleted'),
        ]),
    'vocabulary_prune_batch',
  );
}

import { Migration } from '@mikro-orm/migrations';

/** The GIN indexes searches read: the whole document, titles, tags. */
const GIN_INDEXES = ['opportunity_search_idx', 'opportunity_search_title_idx', 'opportunity_tags_idx'];

/**
 * Written by hand (MikroORM's schema diff does not compare index storage parameters; the entity
 * schema states them in the index definitions all the same).
 *
 * GIN's fast update parks new entries in a pending list that every search reads in full until a
 * vacuum (or 4 MB of entries) merges it into the index. Autovacuum waits for 20 % of the table to
 * change, so a few thousand new opportunities left ~250 pending pages: a rare word then cost
 * 63 ms of PostgreSQL CPU instead of 1 ms, two common words 42 instead of 7 (bench/README.md,
 * "Search after a burst of writes"). Without it, each insert updates the index itself: writes pay
 * a little more, searches stay flat. The entries already pending are merged here.
 */
export class Migration20261202010500_gin_without_pending_list extends Migration {
  override name = 'Migration20261202010500_gin_without_pending_list';

  override up(): void | Promise<void> {
    for (const index of GIN_INDEXES) {
      this.addSql(`alter index "${index}" set (fastupdate = off);`);
      this.addSql(`select gin_clean_pending_list('"${index}"'::regclass);`);
    }
  }

  override down(): void | Promise<void> {
    for (const index of GIN_INDEXES) this.addSql(`alter index "${index}" reset (fastupdate);`);
  }
}

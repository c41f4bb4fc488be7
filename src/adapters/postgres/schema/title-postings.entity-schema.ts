import { defineEntity, p, type TriggerDef } from '@mikro-orm/core';

/**
 * Every title lexeme of every opportunity with the opportunity's creation time: the title tier's
 * matches of a word in time order. A GIN index has no ordered scan (it collects every posting of a
 * word before any LIMIT applies: 24,820 titles for "python" at a million rows); this primary key,
 * walked backwards from one lexeme, yields that word's newest titles first and stops at the
 * candidate cap. Lexemes are those of the title's part of `search_vector` (the `opportunity_search`
 * configuration), so a posting matches exactly when the title tier's query would.
 */
export const SearchTitlePostingSchema = defineEntity({
  name: 'SearchTitlePosting',
  tableName: 'search_title_posting',
  properties: {
    lexeme: p.string().primary().columnType('text').collation('C'),
    createdAt: p.datetime(3).primary(),
    opportunityId: p.uuid().primary(),
  },
});

const TITLE_LEXEMES = (row: 'old' | 'new') =>
  `tsvector_to_array(to_tsvector('opportunity_search'::regconfig, ${row}.title))`;

/**
 * Keep the postings equal to the titles on every write, in the writing transaction. An update that
 * changes neither the title nor the creation time (most edits) returns at once. A title's lexemes
 * are distinct, so inserts never conflict and concurrent writers never wait on each other.
 * TRUNCATE fires no row trigger: truncate `search_title_posting` with `opportunity` (a statement
 * trigger would do it, but information_schema, hence MikroORM's schema diff, cannot see one).
 */
export const TITLE_POSTING_TRIGGERS: TriggerDef[] = [
  {
    name: 'title_postings',
    timing: 'after',
    events: ['insert', 'update', 'delete'],
    forEach: 'row',
    body: `if tg_op = 'UPDATE' and old.title = new.title and old.created_at = new.created_at then
        return null;
      end if;
      if tg_op <> 'INSERT' then
        delete from search_title_posting p
          where p.lexeme = any (${TITLE_LEXEMES('old')})
            and p.created_at = old.created_at and p.opportunity_id = old.id;
      end if;
      if tg_op <> 'DELETE' then
        insert into search_title_posting (lexeme, created_at, opportunity_id)
          select l, new.created_at, new.id from unnest(${TITLE_LEXEMES('new')}) as l;
      end if;
      return null;`,
  },
];

import { Migration } from '@mikro-orm/migrations';

/**
 * Search as people expect it: accent-insensitive text search configurations, a title index for
 * the title tier, location and tag filter indexes, and the vocabulary that typo correction looks
 * words up in (kept current by a trigger). Only trusted contrib extensions are used (pg_trgm,
 * unaccent, fuzzystrmatch): a database owner may create them, on PostgreSQL 13 and later.
 * Rewrites the table once (the generated column changes): minutes at a million rows.
 */
export class Migration20261201Search extends Migration {
  override up(): void {
    for (const extension of ['unaccent', 'pg_trgm', 'fuzzystrmatch']) {
      this.addSql(`create extension if not exists ${extension};`);
    }
    // English stemming with accents folded first: `café` and `cafe` become the same lexeme.
    this.addSql('create text search configuration opportunity_search (copy = english);');
    this.addSql(`alter text search configuration opportunity_search
      alter mapping for hword, hword_part, word with unaccent, english_stem;`);
    // Whole words, lower-case and accent-folded, no stemming: the typo vocabulary.
    this.addSql('create text search configuration opportunity_words (copy = simple);');
    this.addSql(`alter text search configuration opportunity_words
      alter mapping for hword, hword_part, word with unaccent, simple;`);
    // unaccent() is only STABLE (its dictionary could change); naming the dictionary makes this
    // wrapper safe to declare IMMUTABLE, so it can be indexed.
    this.addSql(`create function opportunity_fold(value text) returns text
      language sql immutable parallel safe strict
      as $$ select lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;`);

    this.addSql('drop index opportunity_search_idx;');
    this.addSql('alter table opportunity drop column search_vector;');
    this.addSql(`alter table opportunity add column search_vector tsvector generated always as (
        setweight(to_tsvector('opportunity_search'::regconfig, title), 'A') ||
        setweight(to_tsvector('opportunity_search'::regconfig, opportunity_tags_text(tags)), 'B') ||
        setweight(to_tsvector('opportunity_search'::regconfig, description), 'C')
      ) stored;`);
    this.addSql('create index opportunity_search_idx on opportunity using gin (search_vector);');
    this.addSql(`create index opportunity_search_title_idx on opportunity
      using gin (to_tsvector('opportunity_search'::regconfig, title));`);
    this.addSql(`create index opportunity_location_created_idx on opportunity
      (opportunity_fold(location), created_at desc, id desc);`);
    this.addSql('create index opportunity_tags_idx on opportunity using gin (tags);');

    // C collation: the primary key also serves prefix ranges (as-you-type completions).
    this.addSql('create table search_vocabulary (word text collate "C" primary key);');
    this.addSql('create index search_vocabulary_trgm_idx on search_vocabulary using gist (word gist_trgm_ops);');
    // Words of 2+ letters: completions of short prefixes, and typo targets (a 5-letter typo may be
    // one letter longer than the word meant).
    this
      .addSql(`create function opportunity_vocabulary_words(title text, tags text[], description text) returns setof text
      language sql immutable parallel safe as $$
        select w from unnest(tsvector_to_array(to_tsvector('opportunity_words'::regconfig,
          title || ' ' || opportunity_tags_text(tags) || ' ' || description))) as w
        where length(w) between 2 and 40 and w ~ '^[[:alpha:]]+$' $$;`);
    // Lexemes come sorted, so concurrent writers lock new words in the same order (no deadlock).
    this.addSql(`create function opportunity_vocabulary_collect() returns trigger language plpgsql as $$
      begin
        insert into search_vocabulary (word)
          select w from opportunity_vocabulary_words(new.title, new.tags, new.description) as w
          on conflict do nothing;
        return null;
      end $$;`);
    this.addSql(`create trigger opportunity_vocabulary_collect
      after insert or update of title, description, tags on opportunity
      for each row execute function opportunity_vocabulary_collect();`);
    this.addSql(`insert into search_vocabulary (word)
      select distinct w from opportunity o, opportunity_vocabulary_words(o.title, o.tags, o.description) as w
      on conflict do nothing;`);
  }

  override down(): void {
    this.addSql('drop trigger if exists opportunity_vocabulary_collect on opportunity;');
    this.addSql('drop function if exists opportunity_vocabulary_collect();');
    this.addSql('drop function if exists opportunity_vocabulary_words(text, text[], text);');
    this.addSql('drop table if exists search_vocabulary;');
    this.addSql('drop index if exists opportunity_tags_idx;');
    this.addSql('drop index if exists opportunity_location_created_idx;');
    this.addSql('drop index if exists opportunity_search_title_idx;');
    this.addSql('drop index if exists opportunity_search_idx;');
    this.addSql('alter table opportunity drop column search_vector;');
    this.addSql(`alter table opportunity add column search_vector tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', opportunity_tags_text(tags)), 'B') ||
        setweight(to_tsvector('english', description), 'C')
      ) stored;`);
    this.addSql('create index opportunity_search_idx on opportunity using gin (search_vector);');
    this.addSql('drop function if exists opportunity_fold(text);');
    this.addSql('drop text search configuration if exists opportunity_words;');
    this.addSql('drop text search configuration if exists opportunity_search;');
  }
}

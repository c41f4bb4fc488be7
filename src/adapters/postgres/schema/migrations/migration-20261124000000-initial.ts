import { Migration } from '@mikro-orm/migrations';

/**
 * The opportunity table with keyset-friendly indexes and a generated full-text column.
 * Written by hand: the generated tsvector column and its GIN index are beyond the schema diff.
 */
export class Migration20261124Initial extends Migration {
  override up(): void {
    // array_to_string is only STABLE; a generated column needs an IMMUTABLE expression, and
    // joining text with a space is immutable in practice.
    this.addSql(`create function opportunity_tags_text(tags text[]) returns text
      language sql immutable parallel safe as $$ select array_to_string(tags, ' ') $$;`);
    this.addSql(`create table opportunity (
      id uuid primary key,
      title varchar(200) not null,
      description text not null,
      category varchar(50) not null,
      location varchar(200) null,
      tags text[] not null default '{}',
      status varchar(16) not null default 'open' check (status in ('open', 'closed')),
      deadline date null,
      created_by varchar(255) not null,
      created_at timestamptz(3) not null,
      updated_at timestamptz(3) not null,
      version integer not null default 1,
      search_vector tsvector generated always as (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', opportunity_tags_text(tags)), 'B') ||
        setweight(to_tsvector('english', description), 'C')
      ) stored
    );`);
    this.addSql('create index opportunity_created_idx on opportunity (created_at desc, id desc);');
    this.addSql('create index opportunity_category_created_idx on opportunity (category, created_at desc, id desc);');
    this.addSql('create index opportunity_creator_created_idx on opportunity (created_by, created_at desc, id desc);');
    this.addSql('create index opportunity_status_created_idx on opportunity (status, created_at desc, id desc);');
    this.addSql('create index opportunity_search_idx on opportunity using gin (search_vector);');
  }

  override down(): void {
    this.addSql('drop table if exists opportunity;');
    this.addSql('drop function if exists opportunity_tags_text(text[]);');
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261201145036_tag_and_version_checks extends Migration {
  override name = 'Migration20261201145036_tag_and_version_checks';

  override up(): void | Promise<void> {
    this.addSql(`alter table "opportunity" add constraint "opportunity_version_check" check (version >= 1);`);
    this.addSql(
      `alter table "opportunity" add constraint "opportunity_tags_count_check" check (cardinality(tags) <= 20);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "opportunity" drop constraint "opportunity_version_check";`);
    this.addSql(`alter table "opportunity" drop constraint "opportunity_tags_count_check";`);
  }
}

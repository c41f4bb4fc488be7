import { Migration } from '@mikro-orm/migrations';

/**
 * The idempotency_key table (idempotency-key.entity-schema.ts). Generated with
 * `npx mikro-orm migration:create`, keeping only this table's statements: at the time the
 * opportunity entity schema did not yet describe the generated search column and the indexes, so
 * the generator also proposed dropping them. (It describes them now; the schema-drift test holds.)
 */
export class Migration20261201145221 extends Migration {
  override name = 'Migration20261201145221';

  override up(): void {
    this.addSql(
      `create table "idempotency_key" ("user_id" varchar(255) not null, "idempotency_key" varchar(255) not null, "fingerprint" varchar(64) not null, "response_status" smallint not null, "response_headers" jsonb not null, "response_body" text not null, "created_at" timestamptz(3) not null, "expires_at" timestamptz(3) not null, primary key ("user_id", "idempotency_key"));`,
    );
    this.addSql(`create index "idempotency_key_expires_at_idx" on "idempotency_key" ("expires_at");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "idempotency_key";`);
  }
}

import { defineEntity, p } from '@mikro-orm/core';

/**
 * The `idempotency_key` table: one row per (user, key) holding the answer the first request got.
 * The schema declares the table for migrations and the schema diff, and types the store's queries
 * (idempotency-statements.ts): a renamed or retyped column there is a compile error.
 */
export const IdempotencyKeySchema = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: {
    userId: p.string().length(255).primary(),
    key: p.string().length(255).primary().fieldName('idempotency_key'),
    // SHA-256 of the canonical request, hex.
    fingerprint: p.string().length(64),
    responseStatus: p.smallint(),
    responseHeaders: p.json<Record<string, string>>(),
    responseBody: p.text(),
    createdAt: p.datetime(3),
    // The purge walks this index in batches.
    expiresAt: p.datetime(3).index('idempotency_key_expires_at_idx'),
  },
});

import type { ExpressionBuilder, InferResult, Insertable, Kysely, OnConflictBuilder } from 'kysely';
import { insertedColumns, type OpportunityValues } from '../opportunities/opportunity-statements.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { type Param, prepare, type PreparedStatement } from '../sql/prepared-statement.js';

type Database = OpportunityDatabase;
type IdempotencyKeyRow = Database['idempotency_key'];

/** The key a request is scoped to, and when it asks. */
export interface KeyParams {
  readonly userId: string;
  readonly key: string;
  readonly now: Date;
}

/** A record to store under a key, with the key's advisory lock id. */
export interface RecordParams {
  readonly lockId: string;
  readonly userId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly responseStatus: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly responseBody: string;
  /** Not `createdAt`: the keyed create's parameters also hold the opportunity's. */
  readonly recordedAt: Date;
  readonly expiresAt: Date;
}

/** A record as FIND returns it: headers as JSON text, expiry as epoch milliseconds. */
export type RecordRow = InferResult<ReturnType<typeof findRecord>>[number];
/** What the keyed create learned: whether it got the key's lock, and whether it claimed the key. */
export type CreateRow = InferResult<ReturnType<typeof keyedCreate>>[number];

/**
 * The idempotency store's statements, written in Kysely typed by the entity schemas and compiled
 * once. The opportunity statements an update or delete runs inside its transaction are the
 * repository's (OpportunityStatements); only the keyed create has its own insert, inside CREATE.
 */
export class IdempotencyStatements {
  readonly find: PreparedStatement<KeyParams>;
  readonly lock: PreparedStatement<{ lockId: string }>;
  readonly record: PreparedStatement<RecordParams>;
  readonly create: PreparedStatement<RecordParams & OpportunityValues>;
  readonly purge: PreparedStatement<{ now: Date; limit: number }>;

  constructor(db: Kysely<Database>) {
    this.find = prepare<KeyParams>((param) => findRecord(db, param), 'idempotency_find');
    this.lock = prepare<{ lockId: string }>(
      (param) => db.selectNoFrom((eb) => tryLock(eb, param).as('held')),
      'idempotency_lock',
    );
    this.record = prepare<RecordParams>(
      (param) =>
        db
          .insertInto('idempotency_key')
          .values(recordColumns(param))
          .onConflict(replaceExpired)
          .returning('idempotency_key.user_id'),
      'idempotency_record',
    );
    this.create = prepare<RecordParams & OpportunityValues>((param) => keyedCreate(db, param), 'idempotency_create');
    // Batches in expiry order; rows another purge holds are skipped rather than waited for.
    this.purge = prepare<{ now: Date; limit: number }>(
      (param) =>
        db
          .deleteFrom('idempotency_key as k')
          .using((eb) =>
            eb
              .selectFrom('idempotency_key')
              .select(['user_id', 'idempotency_key'])
              .where('expires_at', '<=', param('now'))
              .orderBy('expires_at')
              .limit(param('limit'))
              .forUpdate()
              .skipLocked()
              .as('expired'),
          )
          .whereRef('k.user_id', '=', 'expired.user_id')
          .whereRef('k.idempotency_key', '=', 'expired.idempotency_key'),
      'idempotency_purge',
    );
  }
}

function findRecord(db: Kysely<Database>, param: Param<KeyParams>) {
  return db
    .selectFrom('idempotency_key')
    .select((eb) => [
      'fingerprint',
      'response_status',
      eb.cast<string>('response_headers', 'text').as('response_headers'),
      'response_body',
      // Epoch milliseconds: no time zone or text format to parse; rounded, as float8 arithmetic is inexact.
      eb.fn<number>('round', [eb(eb.fn('date_part', [eb.val('epoch'), 'expires_at']), '*', 1000)]).as('expires_ms'),
    ])
    .where('user_id', '=', param('userId'))
    .where('idempotency_key', '=', param('key'))
    .where('expires_at', '>', param('now'));
}

/**
 * A create with a key is ONE statement, hence one transaction: take the key's advisory lock
 * without waiting, claim the key, and insert the opportunity only if the claim succeeded.
 */
function keyedCreate(db: Kysely<Database>, param: Param<RecordParams & OpportunityValues>) {
  const record = recordColumns(param);
  const opportunity = insertedColumns(param);
  return db
    .with('lock', (qc) => qc.selectNoFrom((eb) => tryLock(eb, param).as('held')))
    .with('claim', (qc) =>
      qc
        .insertInto('idempotency_key')
        .columns(columnsOf(record))
        .expression((eb) =>
          eb
            .selectFrom('lock')
            .where((w) => w.ref('lock.held'))
            .select((s) => selected(s, record)),
        )
        .onConflict(replaceExpired)
        .returning('idempotency_key.user_id'),
    )
    .with('created', (qc) =>
      qc
        .insertInto('opportunity')
        .columns(columnsOf(opportunity))
        .expression((eb) => eb.selectFrom('claim').select((s) => selected(s, opportunity)))
        .returning('opportunity.id'),
    )
    .selectNoFrom((eb) => [
      eb.selectFrom('lock').select('lock.held').as('held'),
      eb.exists(eb.selectFrom('claim').select('claim.user_id')).$castTo<boolean>().as('claimed'),
    ]);
}

/** Takes the key's transaction-scoped advisory lock if it is free; never waits. */
function tryLock<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, param: Param<{ lockId: string }>) {
  return eb.fn<boolean>('pg_try_advisory_xact_lock', [eb.cast(eb.val(param('lockId')), 'bigint')]);
}

/** The record's columns, in table order. */
function recordColumns(param: Param<RecordParams>) {
  return {
    user_id: param('userId'),
    idempotency_key: param('key'),
    fingerprint: param('fingerprint'),
    response_status: param('responseStatus'),
    response_headers: param('responseHeaders'),
    response_body: param('responseBody'),
    created_at: param('recordedAt'),
    expires_at: param('expiresAt'),
  } satisfies Insertable<IdempotencyKeyRow>;
}

/** Claims the key unless a live record holds it; an expired record is replaced in place. */
function replaceExpired(conflict: OnConflictBuilder<Database, 'idempotency_key'>) {
  return conflict
    .columns(['user_id', 'idempotency_key'])
    .doUpdateSet((eb) => ({
      fingerprint: eb.ref('excluded.fingerprint'),
      response_status: eb.ref('excluded.response_status'),
      response_headers: eb.ref('excluded.response_headers'),
      response_body: eb.ref('excluded.response_body'),
      created_at: eb.ref('excluded.created_at'),
      expires_at: eb.ref('excluded.expires_at'),
    }))
    .whereRef('idempotency_key.expires_at', '<=', 'excluded.created_at');
}

function columnsOf<T extends object>(values: T): (keyof T & string)[] {
  return Object.keys(values) as (keyof T & string)[];
}

/** `insert … select`: each value under its column's name, in the order `columnsOf` lists them. */
function selected<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, values: object) {
  return Object.entries(values).map(([column, value]) => eb.val(value).as(column));
}

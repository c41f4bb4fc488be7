import type { Context } from 'koa';
import { checkIdempotencyKey } from '../../../application/idempotency/idempotency-key.js';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
} from '../../../application/idempotency/idempotency-errors.js';
import type { RecordedResponse } from '../../../application/idempotency/idempotency-store.port.js';
import type { IdempotentResult } from '../../../application/idempotency/idempotent-requests.js';
import { HttpProblem, validationProblem } from '../problem.js';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * The request's Idempotency-Key, undefined when absent (and allowed to be). The raw header value
 * is the key, compared exactly: no structured-field unquoting, so `abc` and `"abc"` differ.
 */
export function idempotencyKeyOf(ctx: Context, required: boolean): string | undefined {
  const raw = ctx.req.headers['idempotency-key'];
  if (raw === undefined) {
    if (!required) return undefined;
    throw new HttpProblem({
      status: 400,
      code: 'idempotency_key_required',
      title: 'Idempotency-Key required',
      detail: 'Send an Idempotency-Key header (1 to 255 printable ASCII characters) with this request',
    });
  }
  const checked = typeof raw === 'string' ? checkIdempotencyKey(raw) : undefined;
  if (!checked?.ok) {
    const message = checked?.message ?? 'must be given once';
    throw validationProblem([{ field: IDEMPOTENCY_KEY_HEADER, message }]);
  }
  return checked.value;
}

/** A JSON answer as it is both sent and recorded. */
export function jsonResponse(status: number, headers: Record<string, string>, body: unknown): RecordedResponse {
  return { status, headers, body: JSON.stringify(body) };
}

export const noContent = (): RecordedResponse => ({ status: 204, headers: {}, body: '' });

/** Sends a recorded (or just recorded) answer; a replay says so in `Idempotent-Replayed: true`. */
export function sendResult(ctx: Context, result: IdempotentResult): void {
  const { response, replayed } = result;
  ctx.status = response.status;
  for (const [name, value] of Object.entries(response.headers)) ctx.set(name, value);
  if (response.body !== '') {
    ctx.body = response.body;
    ctx.type = 'application/json';
  }
  if (replayed) ctx.set(REPLAYED_HEADER, 'true');
}

/** Runs an idempotent use case, translating its refusals into problem answers. */
export async function idempotently(work: () => Promise<IdempotentResult>): Promise<IdempotentResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof IdempotencyKeyReusedError) {
      throw new HttpProblem({ status: 422, code: error.code, title: 'Idempotency-Key reused', detail: error.message });
    }
    if (error instanceof IdempotencyKeyInFlightError) {
      throw new HttpProblem({
        status: 409,
        code: error.code,
        title: 'Request in progress',
        detail: error.message,
        headers: { 'Retry-After': String(error.retryAfterSeconds) },
      });
    }
    throw error;
  }
}

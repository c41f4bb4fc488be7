import type { Context } from 'koa';
import type { VersionPrecondition } from '../../../application/opportunity/version-precondition.js';
import { HttpProblem, validationProblem } from '../problem.js';

const ENTITY_TAG = /^(W\/)?"(\d{1,9})"$/;

/**
 * `If-Match` (RFC 9110 section 13.1.1): `*`, or a comma-separated list of entity tags compared
 * strongly, so a weak tag never matches. Undefined when absent; 428 when absent but required.
 */
export function ifMatchOf(ctx: Context, required: boolean): VersionPrecondition | undefined {
  const header = ctx.get('if-match').trim();
  if (header === '') {
    if (!required) return undefined;
    throw new HttpProblem({
      status: 428,
      code: 'precondition_required',
      title: 'Precondition required',
      detail: 'Send If-Match with the ETag of the version you are changing (or * for any version)',
    });
  }
  if (header === '*') return 'any';
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = ENTITY_TAG.exec(tag.trim());
    if (!match) throw validationProblem([{ field: 'If-Match', message: 'must be * or ETags such as "3"' }]);
    if (match[1] === undefined) versions.push(Number(match[2]));
  }
  return versions;
}

/**
 * Answers 304 with no body when `If-None-Match` names the current ETag (weak comparison, or `*`),
 * so a mobile cache can revalidate without downloading the resource again.
 */
export function answerNotModifiedWhenFresh(ctx: Context, etag: string): boolean {
  const header = ctx.get('if-none-match').trim();
  if (header === '') return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const fresh = header === '*' || header.split(',').some((tag) => opaque(tag) === etag);
  if (!fresh) return false;
  ctx.status = 304;
  ctx.set('ETag', etag);
  ctx.body = null;
  return true;
}

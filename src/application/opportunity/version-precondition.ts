import { PreconditionFailedError } from '../../domain/domain-errors.js';

/**
 * What a client asked with If-Match: `any` (`*`, the row must merely exist) or a list of versions
 * one of which must be the current one.
 */
export type VersionPrecondition = 'any' | readonly number[];

export function assertVersionPrecondition(
  precondition: VersionPrecondition | undefined,
  id: string,
  currentVersion: number,
): void {
  if (precondition === undefined || precondition === 'any') return;
  if (!precondition.includes(currentVersion)) throw new PreconditionFailedError('Opportunity', id, currentVersion);
}

/** True when the write must be refused (rather than retried as 409) if the row changed meanwhile. */
export const namesVersions = (precondition: VersionPrecondition | undefined): boolean =>
  precondition !== undefined && precondition !== 'any';

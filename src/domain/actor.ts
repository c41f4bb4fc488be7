/** Who performs an action: the user a verified access token speaks for. */
export interface Actor {
  readonly userId: string;
  /** Free-form role from the token; only `admin` carries extra rights here. */
  readonly role: string | null;
}

export const ADMIN_ROLE = 'admin';

export function isAdmin(actor: Actor): boolean {
  return actor.role === ADMIN_ROLE;
}

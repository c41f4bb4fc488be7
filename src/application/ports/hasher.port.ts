/** A collision-resistant digest (SHA-256), for fingerprints that are compared, never reversed. */
export interface Hasher {
  /** Lowercase hex digest of the UTF-8 text. */
  sha256Hex(text: string): string;
}

import { createHash } from 'node:crypto';
import type { Hasher } from '../../application/ports/hasher.port.js';

export class NodeHasher implements Hasher {
  sha256Hex(text: string): string {
    return createHash('sha256').update(text, 'utf8').digest('hex');
  }
}

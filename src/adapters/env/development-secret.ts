import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Outside production, a missing JWT_SECRET is replaced by a random one kept in the data folder,
 * so tokens minted with `npm run token` keep working across restarts.
 */
export async function developmentSecret(dataDir: string): Promise<{ secret: string; file: string; created: boolean }> {
  const file = path.resolve(dataDir, 'jwt-secret');
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length >= 32) return { secret, file, created: false };
  } catch {
    // Not there yet: create it below.
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return { secret, file, created: true };
}

/**
 * Mints an access token shaped exactly like Django simplejwt's, for development and curl examples:
 *   npm run token -- --user <id> [--role admin] [--email a@b.c] [--minutes 60]
 * Uses JWT_SECRET, or the development secret the service keeps in the data folder.
 * Refuses to run in production: real tokens come from the Django backend.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/adapters/env/app-config.js';
import { developmentSecret } from '../src/adapters/env/development-secret.js';
import { signSimplejwtAccessToken } from '../tests/support/simplejwt-token.js';

if (process.env.NODE_ENV === 'production') {
  process.stderr.write('npm run token is for development only; in production tokens come from Django.\n');
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    role: { type: 'string', default: 'user' },
    email: { type: 'string' },
    minutes: { type: 'string', default: '60' },
  },
});
if (!values.user) {
  process.stderr.write('Usage: npm run token -- --user <id> [--role admin] [--email a@b.c] [--minutes 60]\n');
  process.exit(2);
}

const config = loadConfig();
const secret = config.jwt.secret ?? (await developmentSecret(config.dataDir)).secret;
const minutes = Number(values.minutes);
const token = await signSimplejwtAccessToken(secret, {
  userId: /^\d+$/.test(values.user) ? Number(values.user) : values.user,
  email: values.email ?? `${values.user}@example.com`,
  role: values.role ?? 'user',
  lifetimeSeconds: Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes * 60) : 3600,
  algorithm: config.jwt.algorithm,
});
process.stdout.write(`${token}\n`);

import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/adapters/env/app-config.js';
import { thrown } from '../../support/rejection.js';

const SECRET = 's'.repeat(40);

function configError(env: Record<string, string>): string {
  const error = thrown(() => loadConfig(env), `loading ${JSON.stringify(env)}`);
  expect(error).to.be.instanceOf(ConfigError);
  return (error as Error).message;
}

describe('Configuration from the environment', () => {
  it('has development defaults: embedded database, generated secret, port 3000, migrations on', () => {
    const config = loadConfig({});
    expect(config).to.deep.include({ production: false, port: 3000, databaseUrl: undefined, migrateOnStart: true });
    expect(config.jwt).to.deep.include({
      algorithm: 'HS256',
      secret: undefined,
      leewaySeconds: 0,
      userIdClaim: 'user_id',
    });
  });

  it('refuses to start in production without DATABASE_URL and JWT_SECRET, naming both', () => {
    const message = configError({ NODE_ENV: 'production' });
    expect(message).to.contain('DATABASE_URL').and.to.contain('JWT_SECRET');
    expect(configError({ NODE_ENV: 'production', JWT_SECRET: SECRET })).to.contain('DATABASE_URL');
  });

  it('refuses a production secret shorter than 32 characters', () => {
    const message = configError({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: 'short' });
    expect(message).to.contain('JWT_SECRET').and.to.contain('32');
    expect(loadConfig({ JWT_SECRET: 'short' }).jwt.secret).to.equal('short');
  });

  it('requires a public key or JWKS URL for RS/ES algorithms in production', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_ALGORITHM: 'RS256' };
    expect(configError(env)).to.contain('JWT_PUBLIC_KEY or JWT_JWKS_URL');
    expect(loadConfig({ ...env, JWT_JWKS_URL: 'https://auth.example.com/jwks' }).jwt.jwksUrl).to.equal(
      'https://auth.example.com/jwks',
    );
  });

  it('names the variable when a value is invalid', () => {
    expect(configError({ JWT_ALGORITHM: 'none' })).to.contain('JWT_ALGORITHM');
    expect(configError({ PORT: 'eighty' })).to.contain('PORT');
    expect(configError({ JWT_LEEWAY: '-1' })).to.contain('JWT_LEEWAY');
    expect(configError({ MIGRATE_ON_START: 'maybe' })).to.contain('MIGRATE_ON_START');
  });

  it('reads every JWT option', () => {
    const config = loadConfig({
      JWT_SECRET: SECRET,
      JWT_SECRET_PREVIOUS: `${SECRET}-old`,
      JWT_ALGORITHM: 'HS512',
      JWT_LEEWAY: '5',
      JWT_AUDIENCE: 'opportunities',
      JWT_ISSUER: 'https://auth.example.com',
      JWT_USER_ID_CLAIM: 'uid',
      JWT_TOKEN_TYPE_CLAIM: 'typ',
      JWT_JTI_CLAIM: 'id',
      JWT_MAX_TOKEN_BYTES: '4096',
      MIGRATE_ON_START: 'false',
    });
    expect(config.migrateOnStart).to.equal(false);
    expect(config.jwt).to.deep.include({
      algorithm: 'HS512',
      previousSecret: `${SECRET}-old`,
      leewaySeconds: 5,
      audience: 'opportunities',
      issuer: 'https://auth.example.com',
      userIdClaim: 'uid',
      tokenTypeClaim: 'typ',
      jtiClaim: 'id',
      maxTokenBytes: 4096,
    });
  });
});

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

  it('keeps /metrics off the API port in production unless told otherwise', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', JWT_SECRET: SECRET };
    expect(loadConfig(production).ops.metricsPort).to.equal(9464);
    expect(loadConfig({ ...production, METRICS_PORT: '0', METRICS_TOKEN: 't0ken' }).ops).to.deep.include({
      metricsPort: 0,
      metricsToken: 't0ken',
    });
    expect(loadConfig({}).ops.metricsPort).to.equal(0);
  });

  it('takes PUBLIC_URL as an http(s) base without a trailing slash, and refuses anything else', () => {
    expect(loadConfig({}).publicUrl).to.equal(undefined);
    expect(loadConfig({ PUBLIC_URL: 'https://api.example.com/' }).publicUrl).to.equal('https://api.example.com');
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/opps/' }).publicUrl).to.equal('https://example.com/opps');
    for (const bad of ['api.example.com', 'ftp://x.example', 'https://x.example/?a=1', 'https://u:p@x.example']) {
      expect(configError({ PUBLIC_URL: bad }), bad).to.contain('PUBLIC_URL');
    }
  });

  it('drains for SHUTDOWN_DRAIN_MS after SIGTERM only when asked (a lone instance stops at once)', () => {
    expect(loadConfig({}).ops.shutdownDrainMs).to.equal(0);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '1500' }).ops.shutdownDrainMs).to.equal(1500);
  });

  it('bounds database waits on the client side by default (a frozen server answers nothing)', () => {
    const config = loadConfig({});
    expect(config.ops.dbConnectTimeoutMs + config.dbQueryTimeoutMs).to.be.at.most(5_000);
    expect(config.dbStatementTimeoutMs).to.be.below(config.dbQueryTimeoutMs);
  });

  it('refuses to start in production without DATABASE_URL and JWT_SECRET, naming both', () => {
    const message = configError({ NODE_ENV: 'production' });
    expect(message).to.contain('DATABASE_URL').and.to.contain('JWT_SECRET');
    expect(configError({ NODE_ENV: 'production', JWT_SECRET: SECRET })).to.contain('DATABASE_URL');
  });

  it('reads replica URLs and their settings, refusing replicas without a primary and never echoing a URL', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db/x',
      DATABASE_REPLICA_URLS: ' postgres://r1/x , postgresql://r2/x ,',
      REPLICA_MAX_LAG_MS: '250',
    });
    expect(config.replicas).to.deep.equal({
      urls: ['postgres://r1/x', 'postgresql://r2/x'],
      maxLagMs: 250,
      checkIntervalMs: 1000,
      readYourWritesMs: 5000,
    });
    expect(loadConfig({}).replicas.urls).to.deep.equal([]);
    expect(configError({ DATABASE_REPLICA_URLS: 'postgres://r1/x' })).to.contain('needs DATABASE_URL');
    const bad = configError({
      DATABASE_URL: 'postgres://db/x',
      DATABASE_REPLICA_URLS: 'postgres://r1/x,mysql://u:hunter2@r2/x',
    });
    expect(bad).to.contain('entry 2').and.not.contain('hunter2');
    expect(configError({ DATABASE_URL: 'postgres://db/x', REPLICA_MAX_LAG_MS: '-1' })).to.contain('REPLICA_MAX_LAG_MS');
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

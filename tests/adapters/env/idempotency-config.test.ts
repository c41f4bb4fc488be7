import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/adapters/env/app-config.js';

describe('Configuration: Idempotency-Key settings', () => {
  it('defaults to optional keys kept 24 h, purged every 5 minutes in batches of 1000', () => {
    expect(loadConfig({}).idempotency).to.deep.equal({
      required: false,
      retentionMs: 24 * 3_600_000,
      purgeIntervalMs: 300_000,
      purgeBatchSize: 1000,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      REQUIRE_IDEMPOTENCY_KEY: 'true',
      IDEMPOTENCY_KEY_RETENTION_HOURS: '48',
      IDEMPOTENCY_PURGE_INTERVAL_SECONDS: '0',
      IDEMPOTENCY_PURGE_BATCH_SIZE: '50',
    });
    expect(config.idempotency).to.deep.equal({
      required: true,
      retentionMs: 48 * 3_600_000,
      purgeIntervalMs: 0,
      purgeBatchSize: 50,
    });
  });

  it('names the variable when a value is invalid', () => {
    for (const [name, value] of [
      ['REQUIRE_IDEMPOTENCY_KEY', 'sometimes'],
      ['IDEMPOTENCY_KEY_RETENTION_HOURS', '0'],
      ['IDEMPOTENCY_PURGE_BATCH_SIZE', '0'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }))
        .to.throw(ConfigError)
        .with.property('message')
        .that.contains(name);
    }
  });
});

import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/adapters/env/app-config.js';
import { loadTracingConfig } from '../../../src/adapters/env/tracing-config.js';

describe('Tracing configuration (standard OTEL_* variables)', () => {
  it('is off without an endpoint, with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none', () => {
    expect(loadTracingConfig({})).to.equal(undefined);
    expect(loadConfig({}).tracing).to.equal(undefined);
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadTracingConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).to.equal(undefined);
    expect(loadTracingConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).to.equal(undefined);
  });

  it('appends v1/traces to the shared endpoint and takes the traces endpoint as given', () => {
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })?.tracesUrl).to.equal(
      'http://collector:4318/v1/traces',
    );
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example/base/' })?.tracesUrl).to.equal(
      'https://otlp.example/base/v1/traces',
    );
    expect(
      loadTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/custom/path',
      })?.tracesUrl,
    ).to.equal('http://tempo:4318/custom/path');
  });

  it('reads the defaults of the specification, and every standard variable that changes them', () => {
    const defaults = loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' });
    expect(defaults).to.deep.include({
      protocol: 'http/protobuf',
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      serviceName: 'opportunities-service',
      exportTimeoutMs: 10_000,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduleDelayMs: 5_000,
    });
    const set = loadTracingConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-resource,deployment.environment.name=prod,note=a%2Cb',
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '500',
    });
    expect(set).to.deep.include({
      protocol: 'http/json',
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.1,
      serviceName: 'from-resource',
      exportTimeoutMs: 3000,
      maxQueueSize: 100,
      maxExportBatchSize: 100,
    });
    expect(set?.resourceAttributes).to.deep.equal({
      'service.name': 'from-resource',
      'deployment.environment.name': 'prod',
      note: 'a,b',
    });
    expect(
      loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'named' })?.serviceName,
    ).to.equal('named');
  });

  it('refuses bad values with one line naming the variable, never echoing an endpoint', () => {
    const refused = (env: Record<string, string>, pattern: RegExp) => {
      expect(() => loadConfig(env)).to.throw(ConfigError, pattern);
    };
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    refused(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /^OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL$/,
    );
    refused({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://user:pw@c' }, /^OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must/);
    refused({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf/);
    refused({ ...endpoint, OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /OTEL_TRACES_SAMPLER must be one of/);
    refused(
      { ...endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' },
      /OTEL_TRACES_SAMPLER_ARG/,
    );
    refused({ ...endpoint, OTEL_RESOURCE_ATTRIBUTES: 'novalue' }, /OTEL_RESOURCE_ATTRIBUTES entry 1/);
    refused({ ...endpoint, OTEL_BSP_MAX_QUEUE_SIZE: '0' }, /OTEL_BSP_MAX_QUEUE_SIZE must be an integer/);
    refused({ ...endpoint, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'soon' }, /OTEL_EXPORTER_OTLP_TRACES_TIMEOUT/);
    refused({ OTEL_SDK_DISABLED: 'maybe' }, /OTEL_SDK_DISABLED must be true or false/);
    refused({ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER must be otlp or none/);
    // Refused even while tracing is off: a typo must not wait for the day an endpoint is set.
    refused({ OTEL_TRACES_SAMPLER: 'always-on' }, /OTEL_TRACES_SAMPLER/);
  });
});

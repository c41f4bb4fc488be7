import { ConfigError } from './config-error.js';

/** The sampler named by OTEL_TRACES_SAMPLER, with its ratio (OTEL_TRACES_SAMPLER_ARG) where it has one. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

export interface TracingConfig {
  /** Where spans are sent: the full OTLP/HTTP traces URL (…/v1/traces). */
  readonly tracesUrl: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded (keys and values are percent-decoded per the specification). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly sampler: SamplerName;
  /** The ratio of traceidratio samplers, 0 to 1. */
  readonly samplerRatio: number;
  /** One export request's bound (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT / OTEL_EXPORTER_OTLP_TIMEOUT). */
  readonly exportTimeoutMs: number;
  /** Spans held while the collector is slow or away; past it new spans are dropped and counted. */
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduleDelayMs: number;
}

type Env = Record<string, string | undefined>;

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, names: readonly string[], fallback: number, min: number, max: number): number {
  for (const name of names) {
    const raw = text(env, name);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  }
  return fallback;
}

/** An http(s) URL; the value is never echoed (collector URLs may carry credentials). */
function httpUrl(name: string, raw: string): URL {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || !/^https?:$/.test(url.protocol)) throw new ConfigError(`${name} must be an http(s) URL`);
  return url;
}

/**
 * The traces URL per the OTLP exporter specification: the signal's own variable is used as given;
 * the shared base gets `v1/traces` appended.
 */
function tracesUrl(env: Env): string | undefined {
  const own = text(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (own !== undefined) return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', own).href;
  const base = text(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base === undefined) return undefined;
  const url = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.href;
}

function protocol(env: Env): TracingConfig['protocol'] {
  const name = text(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const raw = text(env, name) ?? 'http/protobuf';
  if (raw === 'http/protobuf' || raw === 'http/json') return raw;
  throw new ConfigError(`${name} must be http/protobuf or http/json (grpc is not supported), got "${raw}"`);
}

function sampler(env: Env): { sampler: SamplerName; samplerRatio: number } {
  const raw = (text(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on').toLowerCase();
  const name = SAMPLERS.find((candidate) => candidate === raw);
  if (!name) throw new ConfigError(`OTEL_TRACES_SAMPLER must be one of ${SAMPLERS.join(', ')}, got "${raw}"`);
  const arg = text(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (!name.endsWith('traceidratio') || arg === undefined) return { sampler: name, samplerRatio: 1 };
  const ratio = Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1 for ${name}, got "${arg}"`);
  }
  return { sampler: name, samplerRatio: ratio };
}

/** `key1=value1,key2=value2`, percent-encoded values allowed (W3C Baggage octets). */
function resourceAttributes(env: Env): Record<string, string> {
  const raw = text(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const attributes: Record<string, string> = {};
  if (raw === undefined) return attributes;
  for (const [index, pair] of raw.split(',').entries()) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    let key: string | undefined;
    let value: string | undefined;
    try {
      key = equals > 0 ? decodeURIComponent(pair.slice(0, equals).trim()) : undefined;
      value = equals > 0 ? decodeURIComponent(pair.slice(equals + 1).trim()) : undefined;
    } catch {
      key = undefined;
    }
    if (!key || value === undefined) {
      throw new ConfigError(`OTEL_RESOURCE_ATTRIBUTES entry ${index + 1} must be key=value (percent-encoded)`);
    }
    attributes[key] = value;
  }
  return attributes;
}

/**
 * Tracing from the standard OpenTelemetry variables; undefined (off) when no endpoint is set,
 * when OTEL_SDK_DISABLED is true or OTEL_TRACES_EXPORTER is none. Every bad value is a ConfigError
 * naming its variable.
 */
export function loadTracingConfig(env: Env): TracingConfig | undefined {
  const disabled = text(env, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') {
    throw new ConfigError(`OTEL_SDK_DISABLED must be true or false, got "${disabled}"`);
  }
  const exporter = text(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase() ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none') {
    throw new ConfigError(`OTEL_TRACES_EXPORTER must be otlp or none, got "${exporter}"`);
  }
  const url = tracesUrl(env);
  const resource = resourceAttributes(env);
  const settings = { protocol: protocol(env), ...sampler(env) };
  const maxQueueSize = integer(env, ['OTEL_BSP_MAX_QUEUE_SIZE'], 2048, 1, 1_000_000);
  if (url === undefined || disabled === 'true' || exporter === 'none') return undefined;
  return {
    tracesUrl: url,
    ...settings,
    serviceName: text(env, 'OTEL_SERVICE_NAME') ?? resource['service.name'] ?? 'opportunities-service',
    resourceAttributes: resource,
    exportTimeoutMs: integer(
      env,
      ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
      10_000,
      100,
      600_000,
    ),
    maxQueueSize,
    maxExportBatchSize: Math.min(integer(env, ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'], 512, 1, 1_000_000), maxQueueSize),
    scheduleDelayMs: integer(env, ['OTEL_BSP_SCHEDULE_DELAY'], 5_000, 0, 600_000),
  };
}

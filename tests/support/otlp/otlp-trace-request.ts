import { double, type Field, fieldsOf, hex, signed, text } from './protobuf-reader.js';

/** One span as the receiver got it, in either encoding. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  /** SpanKind as OTLP numbers it: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly scope: string;
}

// Field numbers from opentelemetry-proto: collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// common/v1/common.proto and resource/v1/resource.proto.
const EXPORT_REQUEST = { resourceSpans: 1 };
const RESOURCE_SPANS = { resource: 1, scopeSpans: 2 };
const RESOURCE = { attributes: 1 };
const SCOPE_SPANS = { scope: 1, spans: 2 };
const SCOPE = { name: 1 };
const SPAN = {
  traceId: 1,
  spanId: 2,
  traceState: 3,
  parentSpanId: 4,
  name: 5,
  kind: 6,
  start: 7,
  end: 8,
  attributes: 9,
  status: 15,
};
const STATUS = { code: 3 };
const KEY_VALUE = { key: 1, value: 2 };
const ANY_VALUE = { string: 1, bool: 2, int: 3, double: 4, array: 5, kvlist: 6, bytes: 7 };

const all = (fields: Field[], number: number) => fields.filter((field) => field.number === number);
const one = (fields: Field[], number: number) => fields.find((field) => field.number === number);

function anyValue(buffer: Uint8Array): unknown {
  const field = fieldsOf(buffer)[0];
  if (!field) return undefined;
  switch (field.number) {
    case ANY_VALUE.string:
      return text(field);
    case ANY_VALUE.bool:
      return field.int !== 0n;
    case ANY_VALUE.int:
      return Number(signed(field));
    case ANY_VALUE.double:
      return double(field);
    case ANY_VALUE.array:
      return all(fieldsOf(field.bytes), 1).map((value) => anyValue(value.bytes));
    case ANY_VALUE.kvlist:
      return keyValues(all(fieldsOf(field.bytes), 1));
    case ANY_VALUE.bytes:
      return hex(field);
    default:
      return undefined;
  }
}

function keyValues(fields: Field[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    const parts = fieldsOf(field.bytes);
    const key = one(parts, KEY_VALUE.key);
    const value = one(parts, KEY_VALUE.value);
    if (key) result[text(key)] = value ? anyValue(value.bytes) : undefined;
  }
  return result;
}

/** An ExportTraceServiceRequest in the protobuf encoding. */
export function decodeProtobufRequest(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of all(fieldsOf(body), EXPORT_REQUEST.resourceSpans)) {
    const rs = fieldsOf(resourceSpans.bytes);
    const resourceField = one(rs, RESOURCE_SPANS.resource);
    const resource = resourceField ? keyValues(all(fieldsOf(resourceField.bytes), RESOURCE.attributes)) : {};
    for (const scopeSpans of all(rs, RESOURCE_SPANS.scopeSpans)) {
      const ss = fieldsOf(scopeSpans.bytes);
      const scopeField = one(ss, SCOPE_SPANS.scope);
      const scopeName = scopeField && one(fieldsOf(scopeField.bytes), SCOPE.name);
      for (const spanField of all(ss, SCOPE_SPANS.spans)) {
        const s = fieldsOf(spanField.bytes);
        const field = (number: number) => one(s, number);
        const status = field(SPAN.status);
        const statusCode = status ? one(fieldsOf(status.bytes), STATUS.code) : undefined;
        spans.push({
          traceId: hexOf(field(SPAN.traceId)),
          spanId: hexOf(field(SPAN.spanId)),
          parentSpanId: hexOf(field(SPAN.parentSpanId)),
          traceState: field(SPAN.traceState) ? text(field(SPAN.traceState) as Field) : '',
          name: field(SPAN.name) ? text(field(SPAN.name) as Field) : '',
          kind: Number(field(SPAN.kind)?.int ?? 0n),
          startTimeUnixNano: field(SPAN.start)?.int ?? 0n,
          endTimeUnixNano: field(SPAN.end)?.int ?? 0n,
          attributes: keyValues(all(s, SPAN.attributes)),
          statusCode: Number(statusCode?.int ?? 0n),
          resource,
          scope: scopeName ? text(scopeName) : '',
        });
      }
    }
  }
  return spans;
}

const hexOf = (field: Field | undefined) => (field ? hex(field) : '');

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
}
interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}
interface JsonSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  traceState?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: JsonKeyValue[];
  status?: { code?: number };
}
interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: JsonSpan[] }[];
  }[];
}

function jsonValue(value: JsonAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  // OTLP/JSON: 64-bit integers may come as decimal strings.
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(jsonValue);
  if (value.kvlistValue) return jsonAttributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue, 'base64').toString('hex');
  return undefined;
}

function jsonAttributes(values: JsonKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((values ?? []).map((kv) => [kv.key, jsonValue(kv.value)]));
}

/**
 * An ExportTraceServiceRequest in the OTLP/JSON encoding: lowerCamelCase field names, trace and
 * span ids as hexadecimal strings (not base64), enums as integers.
 */
export function decodeJsonRequest(body: string): ReceivedSpan[] {
  const request = JSON.parse(body) as JsonRequest;
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const resource = jsonAttributes(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span): ReceivedSpan => ({
        traceId: (span.traceId ?? '').toLowerCase(),
        spanId: (span.spanId ?? '').toLowerCase(),
        parentSpanId: (span.parentSpanId ?? '').toLowerCase(),
        traceState: span.traceState ?? '',
        name: span.name ?? '',
        kind: span.kind ?? 0,
        startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
        endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
        attributes: jsonAttributes(span.attributes),
        statusCode: span.status?.code ?? 0,
        resource,
        scope: ss.scope?.name ?? '',
      })),
    );
  });
}

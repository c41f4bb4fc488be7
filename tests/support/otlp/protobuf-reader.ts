/**
 * A protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit), enough to decode OTLP
 * messages field by field. Unknown fields are skipped, as protobuf requires.
 */
export interface Field {
  readonly number: number;
  readonly wireType: number;
  /** Varints and fixed-width numbers. */
  readonly int: bigint;
  /** Length-delimited payloads (strings, bytes, messages, packed repeated fields). */
  readonly bytes: Uint8Array;
}

function varint(buffer: Uint8Array, start: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  let at = start;
  for (;;) {
    const byte = buffer[at];
    if (byte === undefined) throw new Error('truncated varint');
    at += 1;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7n;
    if (shift > 63n) throw new Error('varint too long');
  }
}

function fixed(buffer: Uint8Array, at: number, size: number): bigint {
  if (at + size > buffer.length) throw new Error('truncated fixed field');
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(buffer[at + i] as number);
  return value;
}

/** Every field of one message, in order. */
export function fieldsOf(buffer: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < buffer.length) {
    const [key, afterKey] = varint(buffer, at);
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    at = afterKey;
    const empty = new Uint8Array(0);
    if (wireType === 0) {
      const [value, next] = varint(buffer, at);
      fields.push({ number, wireType, int: value, bytes: empty });
      at = next;
    } else if (wireType === 1) {
      fields.push({ number, wireType, int: fixed(buffer, at, 8), bytes: buffer.subarray(at, at + 8) });
      at += 8;
    } else if (wireType === 2) {
      const [length, next] = varint(buffer, at);
      const end = next + Number(length);
      if (end > buffer.length) throw new Error('truncated length-delimited field');
      fields.push({ number, wireType, int: length, bytes: buffer.subarray(next, end) });
      at = end;
    } else if (wireType === 5) {
      fields.push({ number, wireType, int: fixed(buffer, at, 4), bytes: buffer.subarray(at, at + 4) });
      at += 4;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

export const text = (field: Field): string => new TextDecoder('utf-8', { fatal: true }).decode(field.bytes);
export const hex = (field: Field): string => Buffer.from(field.bytes).toString('hex');
export const double = (field: Field): number => Buffer.from(field.bytes).readDoubleLE(0);
export const signed = (field: Field): bigint => BigInt.asIntN(64, field.int);

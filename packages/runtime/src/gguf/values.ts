// GGUF metadata values: the value types as the format numbers them, and one union for a typed value.

/** Value types by their number in the file. */
export const VALUE_TYPES = ['UINT8', 'INT8', 'UINT16', 'INT16', 'UINT32', 'INT32', 'FLOAT32', 'BOOL', 'STRING', 'ARRAY', 'UINT64', 'INT64', 'FLOAT64'] as const;
export type GgufValueType = (typeof VALUE_TYPES)[number];
export type GgufNumberType = 'UINT8' | 'INT8' | 'UINT16' | 'INT16' | 'UINT32' | 'INT32' | 'FLOAT32' | 'FLOAT64';

/** A metadata value with its type; 64-bit integers are bigints (they may exceed 2^53). */
export type GgufValue =
  | { readonly type: GgufNumberType; readonly value: number }
  | { readonly type: 'UINT64' | 'INT64'; readonly value: bigint }
  | { readonly type: 'BOOL'; readonly value: boolean }
  | { readonly type: 'STRING'; readonly value: string }
  | GgufArray;

/** An array: every item is of `itemType`, kept as plain values (arrays of arrays nest). */
export interface GgufArray {
  readonly type: 'ARRAY';
  readonly itemType: GgufValueType;
  readonly items: readonly (number | bigint | boolean | string | GgufArray)[];
}

/** Bytes of one fixed-size value, or undefined for strings and arrays. */
export function fixedSize(type: GgufValueType): number | undefined {
  switch (type) {
    case 'UINT8':
    case 'INT8':
    case 'BOOL':
      return 1;
    case 'UINT16':
    case 'INT16':
      return 2;
    case 'UINT32':
    case 'INT32':
    case 'FLOAT32':
      return 4;
    case 'UINT64':
    case 'INT64':
    case 'FLOAT64':
      return 8;
    case 'STRING':
    case 'ARRAY':
      return undefined;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** The least bytes one value of `type` takes in a file (a string's or an array's length field). */
export function minimumSize(type: GgufValueType): number {
  return fixedSize(type) ?? (type === 'STRING' ? 8 : 12);
}

/** A metadata value as a plain number, when it is an integer or float that fits in one. */
export function numberOf(v: GgufValue | undefined): number | undefined {
  if (!v || v.type === 'ARRAY') return undefined;
  if (v.type === 'UINT64' || v.type === 'INT64') return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : undefined;
  return typeof v.value === 'number' ? v.value : undefined;
}

// The WebAssembly instructions our kernels use: text name → binary encoding and immediate kind.

/** What follows an opcode in the binary: nothing, an index, a constant, a memory argument, a lane … */
export type Immediate =
  | 'none'
  | 'local'
  | 'func'
  | 'label'
  | 'labels'
  | 'block'
  | 'i32'
  | 'i64'
  | 'f32'
  | 'f64'
  | 'v128'
  | 'lane'
  | 'shuffle'
  | 'memory0'
  | 'memory00'
  | 'fence';

export interface Opcode {
  /** The opcode bytes: one byte, or a prefix byte and a LEB128 sub-opcode. */
  readonly code: readonly number[];
  readonly imm: Immediate;
  /** Natural alignment (log2 of bytes) of a memory access; its memarg follows the opcode. */
  readonly align?: number;
}

const OPS = new Map<string, Opcode>();

function plain(code: number, names: string, imm: Immediate = 'none'): void {
  for (const [i, name] of names.split(/\s+/).filter(Boolean).entries()) OPS.set(name, { code: [code + i], imm });
}

function mem(name: string, code: number, align: number): void {
  OPS.set(name, { code: [code], imm: 'none', align });
}

function simd(code: number, name: string, imm: Immediate = 'none', align?: number): void {
  OPS.set(name, { code: [0xfd, code], imm, ...(align !== undefined ? { align } : {}) });
}

function atomic(code: number, name: string, align?: number, imm: Immediate = 'none'): void {
  OPS.set(name, { code: [0xfe, code], imm, ...(align !== undefined ? { align } : {}) });
}

// Control and variables.
plain(0x00, 'unreachable nop');
plain(0x02, 'block loop if', 'block');
plain(0x05, 'else');
plain(0x0b, 'end');
plain(0x0c, 'br br_if', 'label');
plain(0x0e, 'br_table', 'labels');
plain(0x0f, 'return');
plain(0x10, 'call', 'func');
plain(0x1a, 'drop select');
plain(0x20, 'local.get local.set local.tee', 'local');

// Memory.
mem('i32.load', 0x28, 2);
mem('i64.load', 0x29, 3);
mem('f32.load', 0x2a, 2);
mem('f64.load', 0x2b, 3);
mem('i32.load8_s', 0x2c, 0);
mem('i32.load8_u', 0x2d, 0);
mem('i32.load16_s', 0x2e, 1);
mem('i32.load16_u', 0x2f, 1);
mem('i32.store', 0x36, 2);
mem('i64.store', 0x37, 3);
mem('f32.store', 0x38, 2);
mem('f64.store', 0x39, 3);
mem('i32.store8', 0x3a, 0);
mem('i32.store16', 0x3b, 1);
plain(0x3f, 'memory.size memory.grow', 'memory0');
OPS.set('memory.copy', { code: [0xfc, 10], imm: 'memory00' });
OPS.set('memory.fill', { code: [0xfc, 11], imm: 'memory0' });

// Constants and numbers.
plain(0x41, 'i32.const', 'i32');
plain(0x42, 'i64.const', 'i64');
plain(0x43, 'f32.const', 'f32');
plain(0x44, 'f64.const', 'f64');
plain(0x45, 'i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u');
plain(0x5b, 'f32.eq f32.ne f32.lt f32.gt f32.le f32.ge');
plain(0x61, 'f64.eq f64.ne f64.lt f64.gt f64.le f64.ge');
plain(0x67, 'i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u');
plain(0x71, 'i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr');
plain(0x8b, 'f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign');
plain(0x99, 'f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign');
plain(0xa7, 'i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u');
plain(0xb2, 'f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u f32.demote_f64');
plain(0xb7, 'f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32');
plain(0xbc, 'i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64');

// SIMD (the 0xfd prefix).
simd(0x00, 'v128.load', 'none', 4);
simd(0x01, 'v128.load8x8_s', 'none', 3);
simd(0x09, 'v128.load32_splat', 'none', 2);
simd(0x0b, 'v128.store', 'none', 4);
simd(0x0c, 'v128.const', 'v128');
simd(0x0d, 'i8x16.shuffle', 'shuffle');
simd(0x11, 'i32x4.splat');
simd(0x13, 'f32x4.splat');
simd(0x1b, 'i32x4.extract_lane', 'lane');
simd(0x1c, 'i32x4.replace_lane', 'lane');
simd(0x1f, 'f32x4.extract_lane', 'lane');
simd(0x20, 'f32x4.replace_lane', 'lane');
simd(0x41, 'f32x4.eq');
simd(0x42, 'f32x4.ne');
simd(0x43, 'f32x4.lt');
simd(0x44, 'f32x4.gt');
simd(0x45, 'f32x4.le');
simd(0x46, 'f32x4.ge');
simd(0x6a, 'f32x4.nearest');
simd(0x4d, 'v128.not');
simd(0x4e, 'v128.and');
simd(0x4f, 'v128.andnot');
simd(0x50, 'v128.or');
simd(0x51, 'v128.xor');
simd(0x52, 'v128.bitselect');
simd(0x5f, 'f64x2.promote_low_f32x4');
simd(0x6d, 'i8x16.shr_u');
simd(0x71, 'i8x16.sub');
simd(0x87, 'i16x8.extend_low_i8x16_s');
simd(0x88, 'i16x8.extend_high_i8x16_s');
simd(0xa7, 'i32x4.extend_low_i16x8_s');
simd(0xa8, 'i32x4.extend_high_i16x8_s');
simd(0xa9, 'i32x4.extend_low_i16x8_u');
simd(0xaa, 'i32x4.extend_high_i16x8_u');
simd(0xab, 'i32x4.shl');
simd(0xac, 'i32x4.shr_s');
simd(0xad, 'i32x4.shr_u');
simd(0xae, 'i32x4.add');
simd(0xb1, 'i32x4.sub');
simd(0xb5, 'i32x4.mul');
simd(0xe0, 'f32x4.abs');
simd(0xe1, 'f32x4.neg');
simd(0xe3, 'f32x4.sqrt');
simd(0xe4, 'f32x4.add');
simd(0xe5, 'f32x4.sub');
simd(0xe6, 'f32x4.mul');
simd(0xe7, 'f32x4.div');
simd(0xe8, 'f32x4.min');
simd(0xe9, 'f32x4.max');
simd(0xf0, 'f64x2.add');
simd(0xf2, 'f64x2.mul');
simd(0xf8, 'i32x4.trunc_sat_f32x4_s');
simd(0xfa, 'f32x4.convert_i32x4_s');

// Threads (the 0xfe prefix).
atomic(0x00, 'memory.atomic.notify', 2);
atomic(0x01, 'memory.atomic.wait32', 2);
atomic(0x03, 'atomic.fence', undefined, 'fence');
atomic(0x10, 'i32.atomic.load', 2);
atomic(0x17, 'i32.atomic.store', 2);
atomic(0x1e, 'i32.atomic.rmw.add', 2);
atomic(0x48, 'i32.atomic.rmw.cmpxchg', 2);

export function opcode(name: string): Opcode | undefined {
  return OPS.get(name);
}

/** Value types by their text names. */
export const VALUE_TYPES: Readonly<Record<string, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

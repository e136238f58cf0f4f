// The WebAssembly text assembler: encodings checked against the binary format's own examples, and
// assembled functions run by the engine.
import { describe, expect, it } from 'vitest';
import { assemble, sleb, uleb } from '../../src/wasm/assemble.js';

function run(wat: string, memory?: WebAssembly.Memory): Record<string, (...args: number[]) => number> {
  const module = new WebAssembly.Module(assemble(wat));
  return new WebAssembly.Instance(module, memory ? { env: { memory } } : {}).exports as Record<string, (...args: number[]) => number>;
}

describe('the assembler', () => {
  it('encodes LEB128 as the format specifies', () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1n)).toEqual([0x7f]);
    expect(sleb(63n)).toEqual([0x3f]);
    expect(sleb(64n)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456n)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('gives the well-known bytes of a module exporting add(i32, i32)', () => {
    const bytes = assemble('(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
    const want = '0061736d0100000001070160027f7f017f030201000707010361646400000a09010700200020016a0b';
    expect(Buffer.from(bytes).toString('hex')).toBe(want);
  });

  it('assembles folded and flat forms alike, with named locals, labels and calls', () => {
    const e = run(`(module
      ;; n! by a loop with a named label
      (func $fact (export "fact") (param $n i32) (result i32) (local $acc i32)
        (local.set $acc (i32.const 1))
        (block $done
          (loop $next
            (br_if $done (i32.le_s (local.get $n) (i32.const 1)))
            (local.set $acc (i32.mul (local.get $acc) (local.get $n)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $next)))
        (local.get $acc))
      (func (export "factFlat") (param $n i32) (result i32)
        local.get $n
        call $fact)
      (func (export "pick") (param $c i32) (result f32)
        (if (result f32) (local.get $c) (then (f32.const 1.5)) (else (f32.const -0.25)))))`);
    expect(e['fact']!(5)).toBe(120);
    expect(e['factFlat']!(6)).toBe(720);
    expect(e['pick']!(1)).toBe(1.5);
    expect(e['pick']!(0)).toBe(-0.25);
  });

  it('runs SIMD and memory instructions on an imported shared memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const e = run(
      `(module (import "env" "memory" (memory 1 2 shared))
        ;; 4 floats at p times 4 floats at q, lanes summed: a dot product
        (func (export "dot4") (param $p i32) (param $q i32) (result f32) (local $v v128)
          (local.set $v (f32x4.mul (v128.load (local.get $p)) (v128.load offset=16 (local.get $q))))
          (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
                   (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
        (func (export "bump") (param $p i32) (result i32) (i32.atomic.rmw.add (local.get $p) (i32.const 3))))`,
      memory,
    );
    const f = new Float32Array(memory.buffer);
    f.set([1, 2, 3, 4], 0);
    f.set([5, 6, 7, 8], 8);
    expect(e['dot4']!(0, 16)).toBe(1 * 5 + 2 * 6 + 3 * 7 + 4 * 8);
    const i = new Int32Array(memory.buffer);
    i[100] = 4;
    expect(e['bump']!(400)).toBe(4);
    expect(i[100]).toBe(7);
  });

  it('names the line of an unknown instruction or name', () => {
    expect(() => assemble('(module\n (func (nop)\n (i32.frobnicate)))')).toThrow(/unknown instruction 'i32.frobnicate' at line 3/);
    expect(() => assemble('(module (func (local.get $nope)))')).toThrow(/unknown local \$nope/);
    expect(() => assemble('(module (func (br $out)))')).toThrow(/unknown label \$out/);
    expect(() => assemble('(module (func (nop))')).toThrow(/unclosed '\('/);
  });
});

// WebAssembly text of the dense layer over ggml's block formats: out [rows, m] = x [rows, n] · Wᵀ, with W
// [m, n] kept as the packed blocks a GGUF file stores (row after row, n/32 blocks a row), never widened
// into an f32 copy.
//
// Block formats (see @tdl/runtime's quant/): Q8_0 is 34 bytes, an f16 scale d then 32 int8 codes q, the
// weight q·d; Q4_0 is 18 bytes, d then 16 bytes whose low nibbles are weights 0–15 and high nibbles
// weights 16–31, the weight (nibble − 8)·d. A block's codes are widened to f32x4 groups (int8 → i16 → i32
// → f32, exact); the block's products with x are summed first and multiplied by d once, so the matrix
// costs about one multiply-add per weight, as the f32 kernel does, on a quarter (Q8_0) or an eighth
// (Q4_0) of the bytes.
//
// Summation order, fixed whatever the number of rows or threads: for output o and a row of x, an f32x4
// accumulator starts at 0 and for each block b in turn adds ((e + u) · d_b), where e sums x·q over the
// block's even groups of four columns (0, 2, 4, 6), u over its odd ones, lane by lane, in order; lane l
// of a group holds column 4g + l. The result is (lane0 + lane1) + (lane2 + lane3). This is not the f32
// kernel's order on the dequantized matrix, so the two differ by rounding only; the tests state how much.
//
// Work: a tile is 4 weight rows (outputs o0 … o0+3, four independent accumulator chains) against one or
// two rows of x; a thread takes `chunk` groups of 4 outputs at a time from the shared counter. One row
// (decode) reads the blocks in place; more rows (prefill) first widen the group's codes and scales to
// f32 in the thread's scratch, once, then run the rows two at a time over them, with the same products
// and sums, so a token gives the same bits alone or inside a prompt.
import type { QuantFormat } from '@tdl/runtime';
import { lanes } from './lanes.js';

export type { QuantFormat } from '@tdl/runtime';

/** The block formats in the order of the kernel's table: a format's index is what `linear_q` is passed. */
export const QUANT_FORMAT_TABLE = ['q8_0', 'q4_0'] as const satisfies readonly QuantFormat[];

/** Bytes of one block of 32 weights. */
export const QUANT_BLOCK_BYTES: Record<QuantFormat, number> = { q8_0: 34, q4_0: 18 };

/** 2^112: an f16's exponent and fraction, shifted into an f32's place, times this is the f16's value. */
const F16_SCALE = String(2 ** 112);

const acc = (r: number, k: number) => `$a${r}${k}`;

/** The f16 scale at the start of the block at $wp{k} as an f32 (an f16 with exponent 31 is refused on load). */
function scale(k: number): string {
  return (
    `(f32.copysign (f32.mul (f32.reinterpret_i32 (i32.shl (i32.and (local.tee $h (i32.load16_u (local.get $wp${k}))) (i32.const 0x7fff)) (i32.const 13)))` +
    ` (f32.const ${F16_SCALE})) (f32.reinterpret_i32 (i32.shl (local.get $h) (i32.const 16))))`
  );
}

/** A step of widening one block: a statement, or group g's four codes as an i32x4 expression. */
type Step = { readonly line: string } | { readonly g: number; readonly ints: string };

/** Output k's block of 32 codes at $wp{k}, group by group (each group's expression valid where it stands). */
function codeSteps(format: QuantFormat, k: number): Step[] {
  const steps: Step[] = [];
  if (format === 'q8_0') {
    // 8 codes at a time as i16x8, split into two i32x4 groups
    for (let h = 0; h < 4; h++) {
      steps.push({ line: `(local.set $q (v128.load8x8_s offset=${2 + 8 * h} (local.get $wp${k})))` });
      steps.push({ g: 2 * h, ints: '(i32x4.extend_low_i16x8_s (local.get $q))' }, { g: 2 * h + 1, ints: '(i32x4.extend_high_i16x8_s (local.get $q))' });
    }
    return steps;
  }
  // q4_0: the 16 bytes once; low nibbles are weights 0–15, high nibbles 16–31, each minus 8 as int8
  steps.push({ line: `(local.set $q (v128.load offset=2 (local.get $wp${k})))` });
  steps.push({ line: '(local.set $lo (i8x16.sub (v128.and (local.get $q) (local.get $nibble)) (local.get $eight)))' });
  steps.push({ line: '(local.set $hi (i8x16.sub (i8x16.shr_u (local.get $q) (i32.const 4)) (local.get $eight)))' });
  for (const [half, codes] of [
    [0, '$lo'],
    [1, '$hi'],
  ] as const) {
    for (const [part, extend] of [
      [0, 'i16x8.extend_low_i8x16_s'],
      [1, 'i16x8.extend_high_i8x16_s'],
    ] as const) {
      const g = 4 * half + 2 * part;
      steps.push({ line: `(local.set $q16 (${extend} (local.get ${codes})))` });
      steps.push({ g, ints: '(i32x4.extend_low_i16x8_s (local.get $q16))' }, { g: g + 1, ints: '(i32x4.extend_high_i16x8_s (local.get $q16))' });
    }
  }
  return steps;
}

/** Locals and set-up every block-reading function needs for `format`. */
function codeLocals(format: QuantFormat): { locals: string; setup: string[] } {
  if (format === 'q8_0') return { locals: '(local $h i32) (local $q v128)', setup: [] };
  return {
    locals: '(local $h i32) (local $q v128) (local $lo v128) (local $hi v128) (local $q16 v128) (local $nibble v128) (local $eight v128)',
    setup: ['(local.set $nibble (v128.const i32x4 0x0f0f0f0f 0x0f0f0f0f 0x0f0f0f0f 0x0f0f0f0f))', '(local.set $eight (v128.const i32x4 0x08080808 0x08080808 0x08080808 0x08080808))'],
  };
}

/** Sets $wp0 … $wp3 to weight rows o0 … o0+3 (a row ≥ m reads row m−1, whose results are not stored). */
function rowPointers(): string[] {
  const lines = ['(local.set $rowBytes (i32.mul (i32.shr_u (local.get $n) (i32.const 5)) (local.get $blockBytes)))'];
  for (let k = 0; k < 4; k++) {
    const row = `(select (i32.add (local.get $o0) (i32.const ${k})) (i32.sub (local.get $m) (i32.const 1)) (i32.lt_u (i32.add (local.get $o0) (i32.const ${k})) (local.get $m)))`;
    lines.push(`(local.set $wp${k} (i32.add (local.get $w) (i32.mul ${row} (local.get $rowBytes))))`);
  }
  return lines;
}

/** Group g of output k times x, added into every row's even or odd block sum; `weights` is an f32x4. */
function use(rows: number, g: number, weights: string): string[] {
  const lines = [`(local.set $wv ${weights})`];
  for (let r = 0; r < rows; r++) {
    const sum = `$${g % 2 ? 'u' : 'e'}${r}`;
    const product = `(f32x4.mul (v128.load offset=${16 * g} (local.get $xp${r})) (local.get $wv))`;
    lines.push(g < 2 ? `(local.set ${sum} ${product})` : `(local.set ${sum} (f32x4.add (local.get ${sum}) ${product}))`);
  }
  return lines;
}

/** The block's sums, times its scale $d, added into output k's accumulators. */
function finishBlock(rows: number, k: number): string[] {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    lines.push(`(local.set ${acc(r, k)} (f32x4.add (local.get ${acc(r, k)}) (f32x4.mul (f32x4.add (local.get $e${r}) (local.get $u${r})) (local.get $d))))`);
  }
  return lines;
}

/**
 * Where a tile's weights come from: a block format read in place (decode), or 'widened', the codes of 4
 * rows already widened to f32 by $qwiden (prefill), with the same products and sums, so the same bits.
 */
type Source = QuantFormat | 'widened';

/** Output k's block: its weight groups multiplied into the sums, then scaled into the accumulators. */
function blockOf(source: Source, rows: number, k: number): string[] {
  if (source === 'widened') {
    const lines = [`(local.set $d (v128.load32_splat offset=${4 * k} (local.get $sp)))`];
    for (let g = 0; g < 8; g++) lines.push(...use(rows, g, `(v128.load offset=${128 * k + 16 * g} (local.get $cp))`));
    return [...lines, ...finishBlock(rows, k)];
  }
  const lines = [`(local.set $d (f32x4.splat ${scale(k)}))`];
  for (const step of codeSteps(source, k)) {
    if ('line' in step) lines.push(step.line);
    else lines.push(...use(rows, step.g, `(f32x4.convert_i32x4_s ${step.ints})`));
  }
  return [...lines, ...finishBlock(rows, k)];
}

/** A tile function: `rows` rows (1 or 2) of x against outputs o0 … o0+3 (those ≥ m are not stored). */
function tile(source: Source, rows: number): string {
  const own = source === 'widened' ? { locals: '(local $cp i32) (local $sp i32)', setup: ['(local.set $cp (local.get $w))', '(local.set $sp (local.get $scales))'] } : codeLocals(source);
  const locals = ['(local $end i32) (local $d v128) (local $wv v128) (local $rowBytes i32) (local $blockBytes i32)', own.locals];
  for (let k = 0; k < 4; k++) locals.push(`(local $wp${k} i32)`);
  for (let r = 0; r < rows; r++) locals.push(`(local $xp${r} i32) (local $e${r} v128) (local $u${r} v128)`);
  for (let r = 0; r < rows; r++) for (let k = 0; k < 4; k++) locals.push(`(local ${acc(r, k)} v128)`);
  const setup = [...own.setup];
  const body: string[] = [];
  for (let k = 0; k < 4; k++) body.push(...blockOf(source, rows, k));
  if (source === 'widened') {
    // blocks of 4 × 32 codes (512 bytes) and 4 scales (16 bytes)
    setup.push('(local.set $end (i32.add (local.get $cp) (i32.shl (i32.shr_u (local.get $n) (i32.const 5)) (i32.const 9))))');
    body.push('(local.set $cp (i32.add (local.get $cp) (i32.const 512)))', '(local.set $sp (i32.add (local.get $sp) (i32.const 16)))');
  } else {
    setup.push(`(local.set $blockBytes (i32.const ${QUANT_BLOCK_BYTES[source]}))`, ...rowPointers(), '(local.set $end (i32.add (local.get $wp0) (local.get $rowBytes)))');
    for (let k = 0; k < 4; k++) body.push(`(local.set $wp${k} (i32.add (local.get $wp${k}) (i32.const ${QUANT_BLOCK_BYTES[source]})))`);
  }
  for (let r = 0; r < rows; r++) setup.push(`(local.set $xp${r} (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (local.get $row) (i32.const ${r})) (local.get $n)) (i32.const 2))))`);
  for (let r = 0; r < rows; r++) body.push(`(local.set $xp${r} (i32.add (local.get $xp${r}) (i32.const 128)))`);
  const stores: string[] = [];
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 4; k++) {
      const at = `(i32.add (local.get $out) (i32.shl (i32.add (i32.mul (i32.add (local.get $row) (i32.const ${r})) (local.get $m)) (i32.add (local.get $o0) (i32.const ${k}))) (i32.const 2)))`;
      stores.push(`(if (i32.lt_u (i32.add (local.get $o0) (i32.const ${k})) (local.get $m)) (then (f32.store ${at} ${lanes(acc(r, k))})))`);
    }
  }
  const loopEnd = source === 'widened' ? '$cp' : '$wp0';
  return `
  ;; Rows row … row+${rows - 1} of x [rows, n] against outputs o0 … o0+3 of W [m, n], ${source === 'widened' ? 'widened codes at w, scales at scales' : `${source} blocks at w`}.
  (func $qtile${rows}_${source} (param $out i32) (param $x i32) (param $n i32) (param $m i32) (param $w i32) (param $scales i32) (param $row i32) (param $o0 i32)
    ${locals.join(' ')}
    ${setup.join('\n    ')}
    ;; the blocks of the row, as a loop that tests at its end (n ≥ 32)
    (loop $blocks
      ${body.join('\n      ')}
      (br_if $blocks (i32.lt_u (local.get ${loopEnd}) (local.get $end))))
    ${stores.join('\n    ')})`;
}

/**
 * Weight rows o0 … o0+3 in `format` widened for the prefill tiles: per block, the 4 rows' 32 codes as f32
 * (512 bytes at codes) and their 4 scales as f32 (16 bytes at scales).
 */
function widen(format: QuantFormat): string {
  const own = codeLocals(format);
  const body: string[] = [];
  for (let k = 0; k < 4; k++) {
    body.push(`(f32.store offset=${4 * k} (local.get $sp) ${scale(k)})`);
    for (const step of codeSteps(format, k)) {
      if ('line' in step) body.push(step.line);
      else body.push(`(v128.store offset=${128 * k + 16 * step.g} (local.get $cp) (f32x4.convert_i32x4_s ${step.ints}))`);
    }
    body.push(`(local.set $wp${k} (i32.add (local.get $wp${k}) (i32.const ${QUANT_BLOCK_BYTES[format]})))`);
  }
  return `
  (func $qwiden_${format} (param $w i32) (param $n i32) (param $m i32) (param $o0 i32) (param $codes i32) (param $scales i32)
    (local $end i32) (local $rowBytes i32) (local $blockBytes i32) (local $cp i32) (local $sp i32) (local $wp0 i32) (local $wp1 i32) (local $wp2 i32) (local $wp3 i32) ${own.locals}
    ${own.setup.join('\n    ')}
    (local.set $blockBytes (i32.const ${QUANT_BLOCK_BYTES[format]}))
    ${rowPointers().join('\n    ')}
    (local.set $end (i32.add (local.get $wp0) (local.get $rowBytes)))
    (local.set $cp (local.get $codes))
    (local.set $sp (local.get $scales))
    (loop $blocks
      ${body.join('\n      ')}
      (local.set $cp (i32.add (local.get $cp) (i32.const 512)))
      (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
      (br_if $blocks (i32.lt_u (local.get $wp0) (local.get $end)))))`;
}

/**
 * Outputs o0 … o0+3 for every row of x: one row reads the blocks in place; more widen the 4 rows once
 * into this thread's scratch (codes, then scales) and run the rows two at a time, then the last one.
 */
function group(format: QuantFormat): string {
  const args = (src: string, scales: string, row: string) => `(local.get $out) (local.get $x) (local.get $n) (local.get $m) ${src} ${scales} ${row} (local.get $o0)`;
  return `
  (func $qgroup_${format} (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32) (param $w i32) (param $o0 i32) (param $scratch i32)
    (local $row i32) (local $scales i32)
    (if (i32.eq (local.get $rows) (i32.const 1))
      (then
        (call $qtile1_${format} ${args('(local.get $w)', '(i32.const 0)', '(i32.const 0)')})
        (return)))
    (local.set $scales (i32.add (local.get $scratch) (i32.shl (local.get $n) (i32.const 4))))
    (call $qwiden_${format} (local.get $w) (local.get $n) (local.get $m) (local.get $o0) (local.get $scratch) (local.get $scales))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $row) (i32.const 2)) (local.get $rows)))
        (call $qtile2_widened ${args('(local.get $scratch)', '(local.get $scales)', '(local.get $row)')})
        (local.set $row (i32.add (local.get $row) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $row) (local.get $rows))
      (then (call $qtile1_widened ${args('(local.get $scratch)', '(local.get $scales)', '(local.get $row)')}))))`;
}

/** Scratch bytes one thread needs for `n` columns: 4n f32 codes and 4 · n/32 f32 scales, rounded to 64. */
export function quantScratchBytes(n: number): number {
  return Math.ceil((16 * n + n / 2) / 64) * 64;
}

export const QUANT_LINEAR_WAT = `
${QUANT_FORMAT_TABLE.map((f) => `${tile(f, 1)}\n${widen(f)}\n${group(f)}`).join('\n')}
${tile('widened', 1)}
${tile('widened', 2)}

  ;; out [rows, m] = x [rows, n] · Wᵀ for W [m, n] in a block format (an index into QUANT_FORMAT_TABLE),
  ;; n a multiple of 32. The groups of 4 outputs are shared out through the counter: each thread takes
  ;; \`chunk\` groups at a time until all are done. With more than one row, each thread widens a group
  ;; into its own part of scratch (quantScratchBytes(n) bytes a thread).
  (func (export "linear_q") (param $thread i32) (param $out i32) (param $x i32) (param $rows i32) (param $n i32) (param $m i32)
      (param $w i32) (param $format i32) (param $counter i32) (param $chunk i32) (param $scratch i32)
    (local $g i32) (local $end i32) (local $groups i32) (local $own i32)
    (local.set $groups (i32.shr_u (i32.add (local.get $m) (i32.const 3)) (i32.const 2)))
    (local.set $own (i32.add (local.get $scratch) (i32.mul (local.get $thread)
      (i32.shl (i32.shr_u (i32.add (i32.add (i32.shl (local.get $n) (i32.const 4)) (i32.shr_u (local.get $n) (i32.const 1))) (i32.const 63)) (i32.const 6)) (i32.const 6)))))
    (block $finished
      (loop $grab
        (local.set $g (i32.atomic.rmw.add (local.get $counter) (local.get $chunk)))
        (br_if $finished (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $end (i32.add (local.get $g) (local.get $chunk)))
        (if (i32.gt_u (local.get $end) (local.get $groups)) (then (local.set $end (local.get $groups))))
        (block $chunkDone
          (loop $groupLoop
            (br_if $chunkDone (i32.ge_u (local.get $g) (local.get $end)))
            (if (i32.eqz (local.get $format))
              (then (call $qgroup_q8_0 (local.get $out) (local.get $x) (local.get $rows) (local.get $n) (local.get $m) (local.get $w) (i32.shl (local.get $g) (i32.const 2)) (local.get $own)))
              (else (call $qgroup_q4_0 (local.get $out) (local.get $x) (local.get $rows) (local.get $n) (local.get $m) (local.get $w) (i32.shl (local.get $g) (i32.const 2)) (local.get $own))))
            (local.set $g (i32.add (local.get $g) (i32.const 1)))
            (br $groupLoop)))
        (br $grab))))
`;

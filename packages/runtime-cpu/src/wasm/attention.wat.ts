// WebAssembly text of attention over cached keys and values: one (query row, head) pair per unit of work,
// with causal, sliding-window or no mask and ALiBi (soft-capping runs in the JavaScript kernel).

import { lanes } from './lanes.js';

export const ATTENTION_WAT = `
  ;; e^x for the softmax (x ≤ 0 there): x = k ln 2 + r with |r| ≤ ln 2 / 2, e^r by its Taylor series to r⁷
  ;; in double precision (relative error below 1e-8), then scaled by 2^k. Below -87 it is 0.
  (func $exp (param $x f32) (result f32)
    (local $d f64) (local $k f64) (local $r f64) (local $p f64)
    (if (f32.lt (local.get $x) (f32.const -87)) (then (return (f32.const 0))))
    (local.set $d (f64.promote_f32 (local.get $x)))
    (local.set $k (f64.nearest (f64.mul (local.get $d) (f64.const 1.4426950408889634))))
    (local.set $r (f64.sub (local.get $d) (f64.mul (local.get $k) (f64.const 0.6931471805599453))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (local.get $r) (f64.const 0.14285714285714285))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (f64.mul (local.get $r) (f64.const 0.16666666666666666)) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (f64.mul (local.get $r) (f64.const 0.2)) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (f64.mul (local.get $r) (f64.const 0.25)) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (f64.mul (local.get $r) (f64.const 0.3333333333333333)) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (f64.mul (local.get $r) (f64.const 0.5)) (local.get $p))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (local.get $r) (local.get $p))))
    (f32.mul (f32.demote_f64 (local.get $p))
      (f32.reinterpret_i32 (i32.shl (i32.add (i32.trunc_f64_s (local.get $k)) (i32.const 127)) (i32.const 23)))))

  ;; Σ a[i] b[i] over n floats (n a multiple of 4): lane sums, then (lane0 + lane1) + (lane2 + lane3).
  (func $dot (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $s v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $next)))
    ${lanes('$s')})

  ;; out[0 … n) += p · v[0 … n) (n a multiple of 4).
  (func $axpy (param $out i32) (param $v i32) (param $p f32) (param $n i32)
    (local $ps v128) (local $end i32)
    (local.set $ps (f32x4.splat (local.get $p)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (v128.store (local.get $out) (f32x4.add (v128.load (local.get $out)) (f32x4.mul (local.get $ps) (v128.load (local.get $v)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (br $next))))

  ;; Four dot products of q with the rows k, k + stride, k + 2 stride, k + 3 stride (n floats each), stored
  ;; at out … out + 12, each summed exactly as $dot sums it.
  (func $dot4 (param $q i32) (param $k i32) (param $stride i32) (param $n i32) (param $out i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $qv v128) (local $end i32) (local $k1 i32) (local $k2 i32) (local $k3 i32)
    (local.set $end (i32.add (local.get $q) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $k1 (i32.add (local.get $k) (local.get $stride)))
    (local.set $k2 (i32.add (local.get $k1) (local.get $stride)))
    (local.set $k3 (i32.add (local.get $k2) (local.get $stride)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $qv (v128.load (local.get $q)))
        (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $qv) (v128.load (local.get $k)))))
        (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $qv) (v128.load (local.get $k1)))))
        (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $qv) (v128.load (local.get $k2)))))
        (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $qv) (v128.load (local.get $k3)))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (local.set $k1 (i32.add (local.get $k1) (i32.const 16)))
        (local.set $k2 (i32.add (local.get $k2) (i32.const 16)))
        (local.set $k3 (i32.add (local.get $k3) (i32.const 16)))
        (br $next)))
    (f32.store (local.get $out) ${lanes('$s0')})
    (f32.store offset=4 (local.get $out) ${lanes('$s1')})
    (f32.store offset=8 (local.get $out) ${lanes('$s2')})
    (f32.store offset=12 (local.get $out) ${lanes('$s3')}))

  ;; out[0 … n) += p0 v, then += p1 (v + stride), += p2 (v + 2 stride), += p3 (v + 3 stride): per element
  ;; the same sums, in the same order, as four calls of $axpy, with one load and store of out.
  (func $axpy4 (param $out i32) (param $v i32) (param $stride i32) (param $p0 f32) (param $p1 f32) (param $p2 f32) (param $p3 f32) (param $n i32)
    (local $ps0 v128) (local $ps1 v128) (local $ps2 v128) (local $ps3 v128) (local $o v128) (local $end i32) (local $v1 i32) (local $v2 i32) (local $v3 i32)
    (local.set $ps0 (f32x4.splat (local.get $p0)))
    (local.set $ps1 (f32x4.splat (local.get $p1)))
    (local.set $ps2 (f32x4.splat (local.get $p2)))
    (local.set $ps3 (f32x4.splat (local.get $p3)))
    (local.set $v1 (i32.add (local.get $v) (local.get $stride)))
    (local.set $v2 (i32.add (local.get $v1) (local.get $stride)))
    (local.set $v3 (i32.add (local.get $v2) (local.get $stride)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $o (f32x4.add (v128.load (local.get $out)) (f32x4.mul (local.get $ps0) (v128.load (local.get $v)))))
        (local.set $o (f32x4.add (local.get $o) (f32x4.mul (local.get $ps1) (v128.load (local.get $v1)))))
        (local.set $o (f32x4.add (local.get $o) (f32x4.mul (local.get $ps2) (v128.load (local.get $v2)))))
        (v128.store (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $ps3) (v128.load (local.get $v3)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $v1 (i32.add (local.get $v1) (i32.const 16)))
        (local.set $v2 (i32.add (local.get $v2) (i32.const 16)))
        (local.set $v3 (i32.add (local.get $v3) (i32.const 16)))
        (br $next))))

  ;; One query row r (at position start + r) and one head h: softmax of the scaled scores against the
  ;; keys the mask allows, then the values weighted by it. scores: keyCount floats of scratch.
  (func $attendOne (param $out i32) (param $q i32) (param $r i32) (param $h i32) (param $start i32)
      (param $keys i32) (param $values i32) (param $keyCount i32) (param $heads i32) (param $kvHeads i32)
      (param $headDim i32) (param $mask i32) (param $window i32) (param $scale f32) (param $slopes i32) (param $scores i32)
    (local $pos i32) (local $first i32) (local $last i32) (local $j i32) (local $hd4 i32) (local $kvStride i32)
    (local $qp i32) (local $kp i32) (local $op i32) (local $s f32) (local $max f32) (local $slope f32) (local $total f64) (local $e f32) (local $at i32)
    (local.set $pos (i32.add (local.get $start) (local.get $r)))
    (local.set $last (i32.sub (local.get $keyCount) (i32.const 1)))
    (if (i32.and (i32.ne (local.get $mask) (i32.const 0)) (i32.lt_s (local.get $pos) (local.get $last)))
      (then (local.set $last (local.get $pos))))
    (if (i32.eq (local.get $mask) (i32.const 2))
      (then
        (local.set $first (i32.add (i32.sub (local.get $pos) (local.get $window)) (i32.const 1)))
        (if (i32.lt_s (local.get $first) (i32.const 0)) (then (local.set $first (i32.const 0))))))
    (local.set $hd4 (i32.shl (local.get $headDim) (i32.const 2)))
    (local.set $kvStride (i32.mul (local.get $kvHeads) (local.get $hd4)))
    (local.set $qp (i32.add (local.get $q) (i32.mul (i32.add (i32.mul (local.get $r) (local.get $heads)) (local.get $h)) (local.get $hd4))))
    (local.set $op (i32.add (local.get $out) (i32.sub (local.get $qp) (local.get $q))))
    ;; the key/value head this query head reads: h / (heads / kvHeads)
    (local.set $kp (i32.mul (i32.div_u (local.get $h) (i32.div_u (local.get $heads) (local.get $kvHeads))) (local.get $hd4)))
    (if (local.get $slopes) (then (local.set $slope (f32.load (i32.add (local.get $slopes) (i32.shl (local.get $h) (i32.const 2)))))))

    ;; raw scores q·k, four keys at a time, then one at a time
    (local.set $j (local.get $first))
    (block $done
      (loop $four
        (br_if $done (i32.gt_s (i32.add (local.get $j) (i32.const 3)) (local.get $last)))
        (call $dot4 (local.get $qp) (i32.add (i32.add (local.get $keys) (local.get $kp)) (i32.mul (local.get $j) (local.get $kvStride)))
          (local.get $kvStride) (local.get $headDim) (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.gt_s (local.get $j) (local.get $last)))
        (f32.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2)))
          (call $dot (local.get $qp) (i32.add (i32.add (local.get $keys) (local.get $kp)) (i32.mul (local.get $j) (local.get $kvStride))) (local.get $headDim)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $one)))
    ;; scaled, with the ALiBi bias, and their maximum
    (local.set $max (f32.const -inf))
    (local.set $j (local.get $first))
    (block $done
      (loop $score
        (br_if $done (i32.gt_s (local.get $j) (local.get $last)))
        (local.set $s (f32.mul (f32.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2)))) (local.get $scale)))
        (if (local.get $slopes)
          (then (local.set $s (f32.add (local.get $s) (f32.mul (local.get $slope) (f32.convert_i32_s (i32.sub (local.get $j) (local.get $pos))))))))
        (f32.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
        (if (f32.gt (local.get $s) (local.get $max)) (then (local.set $max (local.get $s))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $score)))

    (local.set $j (local.get $first))
    (block $done
      (loop $softmax
        (br_if $done (i32.gt_s (local.get $j) (local.get $last)))
        (local.set $e (call $exp (f32.sub (f32.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2)))) (local.get $max))))
        (f32.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
        (local.set $total (f64.add (local.get $total) (f64.promote_f32 (local.get $e))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $softmax)))

    ;; the probabilities e / total, in place
    (local.set $j (local.get $first))
    (block $done
      (loop $normalise
        (br_if $done (i32.gt_s (local.get $j) (local.get $last)))
        (f32.store (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2)))
          (f32.demote_f64 (f64.div (f64.promote_f32 (f32.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))))) (local.get $total))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $normalise)))

    ;; the values weighted by them, four keys at a time, then one at a time
    (memory.fill (local.get $op) (i32.const 0) (local.get $hd4))
    (local.set $j (local.get $first))
    (block $done
      (loop $four
        (br_if $done (i32.gt_s (i32.add (local.get $j) (i32.const 3)) (local.get $last)))
        (local.set $at (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2))))
        (call $axpy4 (local.get $op) (i32.add (i32.add (local.get $values) (local.get $kp)) (i32.mul (local.get $j) (local.get $kvStride))) (local.get $kvStride)
          (f32.load (local.get $at)) (f32.load offset=4 (local.get $at)) (f32.load offset=8 (local.get $at)) (f32.load offset=12 (local.get $at)) (local.get $headDim))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.gt_s (local.get $j) (local.get $last)))
        (call $axpy (local.get $op) (i32.add (i32.add (local.get $values) (local.get $kp)) (i32.mul (local.get $j) (local.get $kvStride)))
          (f32.load (i32.add (local.get $scores) (i32.shl (local.get $j) (i32.const 2)))) (local.get $headDim))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $one))))

  ;; out [rows, heads × headDim]: attention for every (row, head) pair, shared out through the counter.
  ;; Each thread keeps its scores in its own keyCount floats of scratch.
  (func (export "attention") (param $thread i32) (param $out i32) (param $q i32) (param $rows i32) (param $start i32)
      (param $keys i32) (param $values i32) (param $keyCount i32) (param $heads i32) (param $kvHeads i32)
      (param $headDim i32) (param $mask i32) (param $window i32) (param $scale f32) (param $slopes i32) (param $scratch i32) (param $counter i32)
    (local $u i32) (local $units i32) (local $scores i32)
    (local.set $units (i32.mul (local.get $rows) (local.get $heads)))
    (local.set $scores (i32.add (local.get $scratch) (i32.mul (local.get $thread) (i32.shl (local.get $keyCount) (i32.const 2)))))
    (block $finished
      (loop $grab
        (local.set $u (i32.atomic.rmw.add (local.get $counter) (i32.const 1)))
        (br_if $finished (i32.ge_u (local.get $u) (local.get $units)))
        (call $attendOne (local.get $out) (local.get $q) (i32.div_u (local.get $u) (local.get $heads)) (i32.rem_u (local.get $u) (local.get $heads))
          (local.get $start) (local.get $keys) (local.get $values) (local.get $keyCount) (local.get $heads) (local.get $kvHeads)
          (local.get $headDim) (local.get $mask) (local.get $window) (local.get $scale) (local.get $slopes) (local.get $scores))
        (br $grab))))
`;

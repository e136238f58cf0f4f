// WebAssembly text of element-wise activations: SiLU, x / (1 + e^-x), four lanes at a time.

export const ACTIVATIONS_WAT = `
  ;; e^x in each lane: x = k ln 2 + r (ln 2 in two parts, so r is exact), e^r by a degree-7 polynomial
  ;; (Cephes' expf coefficients: within about one float32 unit on [-87, 88]), times 2^k built in the
  ;; exponent bits. x is clamped to [-87, 88] first, so 2^k stays a normal float.
  (func $expf4 (param $x v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88 88 88 88)) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; x / (1 + e^-x) in each lane.
  (func $silu4 (param $x v128) (result v128)
    (f32x4.div (local.get $x) (f32x4.add (v128.const f32x4 1 1 1 1) (call $expf4 (f32x4.neg (local.get $x))))))

  ;; out [n] = silu(x [n]), in blocks of 1024 floats taken from the counter; the last n % 4 floats go
  ;; through the same lanes one at a time, so every float gets the same bits wherever it sits.
  (func (export "silu") (param $thread i32) (param $out i32) (param $x i32) (param $n i32) (param $counter i32)
    (local $block i32) (local $i i32) (local $end i32) (local $vectors i32)
    (local.set $vectors (i32.and (local.get $n) (i32.const -4)))
    (block $finished
      (loop $grab
        (local.set $block (i32.atomic.rmw.add (local.get $counter) (i32.const 1)))
        (local.set $i (i32.shl (local.get $block) (i32.const 10)))
        (br_if $finished (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $end (i32.add (local.get $i) (i32.const 1024)))
        (if (i32.gt_u (local.get $end) (local.get $n)) (then (local.set $end (local.get $n))))
        (block $done
          (loop $vector
            (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (i32.and (local.get $end) (i32.const -4))))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
              (call $silu4 (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $vector)))
        (block $done
          (loop $lane
            (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
              (f32x4.extract_lane 0 (call $silu4 (f32x4.splat (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $lane)))
        (br $grab))))
`;

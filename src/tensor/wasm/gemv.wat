;; One row times a packed matrix (module fields, joined with gemm.wat by tools/build-wasm.mjs): the
;; recurrence of a single sequence, h_(t-1) W_hh^T, is a 1 x K by K x N product, where gemm.wat's
;; 1 x 8 tile waits on its two running sums (one add's latency per k). Here four panels go at once,
;; eight sums in flight, each still summed over k in order from 0 and added to C as the tile's
;; store8 does (alpha 1): so a row's result is bit for bit the one gemm gives that row in a batch.

  ;; c[0 .. N) = x op(B) + beta * c, x the K = kc floats at $a, op(B) packed by gemm's packB into
  ;; panels of 8 columns, kc rows each (one k-block: the caller packs with K <= kcMax), N a multiple of 8.
  ;; c is not read when beta is 0.
  (func (export "gemv_packed") (param $a i32) (param $w i32) (param $kc i32) (param $N i32) (param $c i32) (param $beta f32)
    (local $ps i32) (local $n0 i32) (local $ap i32) (local $end i32)
    (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $x v128) (local $bv v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $s6 v128) (local $s7 v128)
    (local.set $ps (i32.shl (local.get $kc) (i32.const 5)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $kc) (i32.const 2))))
    ;; four panels (32 columns) at a time
    (block $qdone (loop $quad
      (br_if $qdone (i32.gt_s (i32.add (local.get $n0) (i32.const 32)) (local.get $N)))
      (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (local.get $s0))
      (local.set $s2 (local.get $s0)) (local.set $s3 (local.get $s0))
      (local.set $s4 (local.get $s0)) (local.set $s5 (local.get $s0))
      (local.set $s6 (local.get $s0)) (local.set $s7 (local.get $s0))
      (local.set $b0 (local.get $w))
      (local.set $b1 (i32.add (local.get $b0) (local.get $ps)))
      (local.set $b2 (i32.add (local.get $b1) (local.get $ps)))
      (local.set $b3 (i32.add (local.get $b2) (local.get $ps)))
      (local.set $ap (local.get $a))
      (if (i32.lt_u (local.get $ap) (local.get $end))
        (then
          (loop $k
            (local.set $x (v128.load32_splat (local.get $ap)))
            (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load (local.get $b0)))))
            (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b0)))))
            (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $x) (v128.load (local.get $b1)))))
            (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b1)))))
            (local.set $s4 (f32x4.add (local.get $s4) (f32x4.mul (local.get $x) (v128.load (local.get $b2)))))
            (local.set $s5 (f32x4.add (local.get $s5) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b2)))))
            (local.set $s6 (f32x4.add (local.get $s6) (f32x4.mul (local.get $x) (v128.load (local.get $b3)))))
            (local.set $s7 (f32x4.add (local.get $s7) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b3)))))
            (local.set $b0 (i32.add (local.get $b0) (i32.const 32)))
            (local.set $b1 (i32.add (local.get $b1) (i32.const 32)))
            (local.set $b2 (i32.add (local.get $b2) (i32.const 32)))
            (local.set $b3 (i32.add (local.get $b3) (i32.const 32)))
            (br_if $k (i32.lt_u (local.tee $ap (i32.add (local.get $ap) (i32.const 4))) (local.get $end))))))
      (call $gemvStore (local.get $c) (local.get $s0) (local.get $s1) (local.get $beta))
      (call $gemvStore (i32.add (local.get $c) (i32.const 32)) (local.get $s2) (local.get $s3) (local.get $beta))
      (call $gemvStore (i32.add (local.get $c) (i32.const 64)) (local.get $s4) (local.get $s5) (local.get $beta))
      (call $gemvStore (i32.add (local.get $c) (i32.const 96)) (local.get $s6) (local.get $s7) (local.get $beta))
      (local.set $c (i32.add (local.get $c) (i32.const 128)))
      (local.set $w (i32.add (local.get $w) (i32.shl (local.get $ps) (i32.const 2))))
      (local.set $n0 (i32.add (local.get $n0) (i32.const 32)))
      (br $quad)))
    ;; the last panels, one at a time
    (block $pdone (loop $panel
      (br_if $pdone (i32.ge_s (local.get $n0) (local.get $N)))
      (local.set $s0 (v128.const i32x4 0 0 0 0)) (local.set $s1 (local.get $s0))
      (local.set $b0 (local.get $w))
      (local.set $ap (local.get $a))
      (if (i32.lt_u (local.get $ap) (local.get $end))
        (then
          (loop $k1
            (local.set $x (v128.load32_splat (local.get $ap)))
            (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $x) (v128.load (local.get $b0)))))
            (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b0)))))
            (local.set $b0 (i32.add (local.get $b0) (i32.const 32)))
            (br_if $k1 (i32.lt_u (local.tee $ap (i32.add (local.get $ap) (i32.const 4))) (local.get $end))))))
      (call $gemvStore (local.get $c) (local.get $s0) (local.get $s1) (local.get $beta))
      (local.set $c (i32.add (local.get $c) (i32.const 32)))
      (local.set $w (i32.add (local.get $w) (local.get $ps)))
      (local.set $n0 (i32.add (local.get $n0) (i32.const 8)))
      (br $panel))))

  ;; c[0 .. 8) = (v0 | v1) + beta * c, as gemm.wat's store8 with alpha 1 (c not read when beta is 0).
  (func $gemvStore (param $c i32) (param $v0 v128) (param $v1 v128) (param $beta f32)
    (if (f32.ne (local.get $beta) (f32.const 0))
      (then
        (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $c)) (f32x4.splat (local.get $beta)))))
        (local.set $v1 (f32x4.add (local.get $v1) (f32x4.mul (v128.load offset=16 (local.get $c)) (f32x4.splat (local.get $beta)))))))
    (v128.store (local.get $c) (local.get $v0))
    (v128.store offset=16 (local.get $c) (local.get $v1)))

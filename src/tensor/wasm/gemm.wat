;; WebAssembly SIMD GEMM: C = alpha * op(A) op(B) + beta * C on float32, row-major, in the module's
;; own memory (the caller copies A, B and C in, and C out). Module fields: tools/build-wasm.mjs joins
;; this file, activations.wat and each cell's kernels (src/nn/cells/*.wat) into one module, whose
;; memory they share, and embeds it in module-bytes.ts. The readable reference is gemmRef in
;; ../gemm.ts, and test/gemm-wasm.test.ts holds the two together.
;;
;; Loop structure (BLIS):
;;   for each block of kc <= KC steps of k:        pack op(B)[k0 : k0+kc, :] into panels of 8 columns
;;     for each block of mc <= MC rows of C:       (keeps that block of A and C in cache)
;;       (A^T only: pack the block's groups of 4 rows of op(A), kc * 16 bytes each)
;;       for each panel of 8 columns:              (the panel, kc * 32 bytes, stays in L1)
;;         for each 4 rows: a 4 x 8 tile of C in eight f32x4 registers over the whole kc loop
;;         (6 x 8 in twelve where A is read in place and M >= 96).
;; The tile reads A through strides, row i at a + i * sam, stepping sak bytes per k: A in place has
;; sam = lda*4, sak = 4 (four rows, each read forward). A^T in place would be sam = 4, sak = lda*4: a
;; 4-float step down a column per k, lda*4 bytes apart, which for the weight gradients (kc rows of 1-2
;; KB apart) maps the whole walk onto a few sets of L1 and misses on every k; so A^T's 4-row groups
;; are packed first (packA: the same 16 bytes per k, now contiguous) and read with sam = 4, sak = 16.
;; The last M % 4 rows of A^T still read in place (tile1).
;; Each k-block's sums are added into C once (alpha * sum + beta * C on the first block, + C after), so
;; a float32 sum never runs over more than KC terms before it is stored.
;;
;; Bytes 0..63 are scratch for storing a partial tile; the caller's arrays start at 64.

  ;; The one memory every kernel of the module works in.
  (memory (export "memory") 1)

  ;; Packs op(B)[k0 + k, n] for k < kc, n < N into dst as panels of 8 columns:
  ;; dst[((p * kc) + k) * 8 + j] = op(B)[k0 + k, 8p + j], zero where 8p + j >= N.
  ;; op(B)[k, n] = B[k * ldb + n], or B[n * ldb + k] when transB.
  (func $packB (param $b i32) (param $ldb i32) (param $transB i32) (param $k0 i32) (param $kc i32)
               (param $N i32) (param $dst i32)
    (local $sbk i32) (local $sbn i32) (local $n0 i32) (local $nv i32) (local $k i32) (local $j i32)
    (local $src i32) (local $d i32) (local $kc4 i32) (local $r i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    ;; byte strides of op(B) along k and along n
    (if (local.get $transB)
      (then (local.set $sbk (i32.const 4)) (local.set $sbn (i32.shl (local.get $ldb) (i32.const 2))))
      (else (local.set $sbk (i32.shl (local.get $ldb) (i32.const 2))) (local.set $sbn (i32.const 4))))
    (local.set $b (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $sbk))))
    (local.set $kc4 (i32.and (local.get $kc) (i32.const -4)))
    (local.set $n0 (i32.const 0))
    (block $done
      (loop $panel
        (br_if $done (i32.ge_s (local.get $n0) (local.get $N)))
        (local.set $nv (i32.sub (local.get $N) (local.get $n0)))
        (local.set $k (i32.const 0))
        (if (i32.ge_s (local.get $nv) (i32.const 8))
          (then
            (if (i32.eqz (local.get $transB))
              (then
                ;; rows of op(B) are contiguous: two vectors per k
                (local.set $src (i32.add (local.get $b) (i32.shl (local.get $n0) (i32.const 2))))
                (block $e1 (loop $l1
                  (br_if $e1 (i32.ge_s (local.get $k) (local.get $kc)))
                  (v128.store (local.get $dst) (v128.load (local.get $src)))
                  (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                  (local.set $src (i32.add (local.get $src) (local.get $sbk)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $l1))))
              (else
                ;; B^T: columns of op(B) are contiguous; transpose 4 x 4 blocks with shuffles
                (block $e2 (loop $l2
                  (br_if $e2 (i32.ge_s (local.get $k) (local.get $kc4)))
                  (local.set $r (i32.const 0))
                  (block $e3 (loop $l3
                    (br_if $e3 (i32.ge_s (local.get $r) (i32.const 8)))
                    ;; rows n0 + r .. n0 + r + 3 of B, elements k .. k + 3
                    (local.set $src (i32.add (local.get $b)
                      (i32.add (i32.mul (i32.add (local.get $n0) (local.get $r)) (local.get $sbn))
                               (i32.shl (local.get $k) (i32.const 2)))))
                    (local.set $r0 (v128.load (local.get $src)))
                    (local.set $r1 (v128.load (i32.add (local.get $src) (local.get $sbn))))
                    (local.set $r2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $sbn) (i32.const 1)))))
                    (local.set $r3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $sbn) (i32.const 3)))))
                    ;; t0 = r0[0] r1[0] r0[1] r1[1]; t1 = r0[2] r1[2] r0[3] r1[3]; t2, t3 likewise for r2, r3
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                    (local.set $d (i32.add (local.get $dst) (i32.add (i32.shl (local.get $k) (i32.const 5)) (i32.shl (local.get $r) (i32.const 2)))))
                    (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                    (v128.store offset=32 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.store offset=64 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                    (v128.store offset=96 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                    (local.set $r (i32.add (local.get $r) (i32.const 4)))
                    (br $l3)))
                  (local.set $k (i32.add (local.get $k) (i32.const 4)))
                  (br $l2)))
                (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 5))))
                ;; the last kc % 4 steps one element at a time
                (block $e4 (loop $l4
                  (br_if $e4 (i32.ge_s (local.get $k) (local.get $kc)))
                  (local.set $src (i32.add (local.get $b)
                    (i32.add (i32.mul (local.get $n0) (local.get $sbn)) (i32.shl (local.get $k) (i32.const 2)))))
                  (local.set $j (i32.const 0))
                  (block $e5 (loop $l5
                    (br_if $e5 (i32.ge_s (local.get $j) (i32.const 8)))
                    (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                      (f32.load (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $sbn)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $l5)))
                  (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br $l4))))))
          (else
            ;; the last, partial panel: element by element, zero past N
            (block $e6 (loop $l6
              (br_if $e6 (i32.ge_s (local.get $k) (local.get $kc)))
              (local.set $src (i32.add (local.get $b)
                (i32.add (i32.mul (local.get $k) (local.get $sbk)) (i32.mul (local.get $n0) (local.get $sbn)))))
              (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
              (v128.store offset=16 (local.get $dst) (v128.const i32x4 0 0 0 0))
              (local.set $j (i32.const 0))
              (block $e7 (loop $l7
                (br_if $e7 (i32.ge_s (local.get $j) (local.get $nv)))
                (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                  (f32.load (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $sbn)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $l7)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $l6)))))
        (local.set $n0 (i32.add (local.get $n0) (i32.const 8)))
        (br $panel))))

  ;; Packs the 4-row groups of op(A)[m0 : m0 + 4g, k0 : k0 + kc] for A^T (op(A)[m, k] = A[k * lda + m],
  ;; a at row k0, column m0): dst[(g * kc + k) * 4 + i] = op(A)[m0 + 4g + i, k0 + k], one v128 per k.
  (func $packA (param $a i32) (param $lda i32) (param $kc i32) (param $groups i32) (param $dst i32)
    (local $src i32) (local $end i32) (local $g i32)
    (local.set $lda (i32.shl (local.get $lda) (i32.const 2)))
    (block $done (loop $group
      (br_if $done (i32.ge_s (local.get $g) (local.get $groups)))
      (local.set $src (i32.add (local.get $a) (i32.shl (local.get $g) (i32.const 4))))
      (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 4))))
      (block $e (loop $k
        (br_if $e (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $src (i32.add (local.get $src) (local.get $lda)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $k)))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br $group))))

  ;; Stores one row of a tile: c[0 .. nv) = alpha * (v0 | v1) + beta * c, not reading c when beta is 0
  ;; (so NaN in C does not leak through, as BLAS).
  (func $store8 (param $c i32) (param $v0 v128) (param $v1 v128) (param $alpha f32) (param $beta f32) (param $nv i32)
    (local $j i32) (local $p i32)
    (local.set $v0 (f32x4.mul (local.get $v0) (f32x4.splat (local.get $alpha))))
    (local.set $v1 (f32x4.mul (local.get $v1) (f32x4.splat (local.get $alpha))))
    (if (i32.eq (local.get $nv) (i32.const 8))
      (then
        (if (f32.ne (local.get $beta) (f32.const 0))
          (then
            (local.set $v0 (f32x4.add (local.get $v0) (f32x4.mul (v128.load (local.get $c)) (f32x4.splat (local.get $beta)))))
            (local.set $v1 (f32x4.add (local.get $v1) (f32x4.mul (v128.load offset=16 (local.get $c)) (f32x4.splat (local.get $beta)))))))
        (v128.store (local.get $c) (local.get $v0))
        (v128.store offset=16 (local.get $c) (local.get $v1))
        (return)))
    ;; a partial row: through the scratch at byte 0
    (v128.store (i32.const 0) (local.get $v0))
    (v128.store (i32.const 16) (local.get $v1))
    (block $e (loop $l
      (br_if $e (i32.ge_s (local.get $j) (local.get $nv)))
      (local.set $p (i32.add (local.get $c) (i32.shl (local.get $j) (i32.const 2))))
      (if (f32.ne (local.get $beta) (f32.const 0))
        (then (f32.store (local.get $p) (f32.add (f32.load (i32.shl (local.get $j) (i32.const 2)))
                                                 (f32.mul (local.get $beta) (f32.load (local.get $p))))))
        (else (f32.store (local.get $p) (f32.load (i32.shl (local.get $j) (i32.const 2))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l))))

  ;; @fma-twin begin: tools/build-wasm.mjs copies the tiles to $tile4_fma, $tile6_fma and $tile1_fma, their
  ;; multiply-adds fused (f32x4.relaxed_madd) in the relaxed-SIMD module and unchanged in the other.
  ;; A 4 x 8 tile: C[i, 0..8) (rows at c + i * ldc bytes) from A rows at a + i * sam and one packed
  ;; panel of B (8 floats per k).
  (func $tile4 (param $a i32) (param $sam i32) (param $sak i32) (param $b i32) (param $kc i32)
               (param $c i32) (param $ldc i32) (param $alpha f32) (param $beta f32) (param $nv i32)
    (local $s2 i32) (local $s3 i32) (local $end i32)
    (local $al v128) (local $bt v128) (local $bm v128)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $s2 (i32.shl (local.get $sam) (i32.const 1)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $sam)))
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.lt_u (local.get $b) (local.get $end))
      (then
        (loop $k
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $sam))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $s2))))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $s3))))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $a (i32.add (local.get $a) (local.get $sak)))
          (br_if $k (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 32))) (local.get $end))))))
    ;; full rows in place (a call of $store8 per row cost a tenth of a short-K tile): alpha * sum + beta * C,
    ;; C read but masked off when beta is 0 (so NaN in C does not leak through)
    (if (i32.eq (local.get $nv) (i32.const 8))
      (then
        (local.set $al (f32x4.splat (local.get $alpha)))
        (local.set $bt (f32x4.splat (local.get $beta)))
        (local.set $bm (i32x4.splat (i32.sub (i32.const 0) (f32.ne (local.get $beta) (f32.const 0)))))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c00) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c01) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c10) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c11) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c20) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c21) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c30) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c31) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (return)))
    (call $store8 (local.get $c) (local.get $c00) (local.get $c01) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c10) (local.get $c11) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c20) (local.get $c21) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c30) (local.get $c31) (local.get $alpha) (local.get $beta) (local.get $nv)))

  ;; A 6 x 8 tile, as $tile4 with two more rows: twelve accumulators, each panel of B and each tile's
  ;; store shared by 6 rows instead of 4 (which pays where K is short: the input projection, the head).
  (func $tile6 (param $a i32) (param $sam i32) (param $sak i32) (param $b i32) (param $kc i32)
               (param $c i32) (param $ldc i32) (param $alpha f32) (param $beta f32) (param $nv i32)
    (local $s2 i32) (local $s3 i32) (local $s4 i32) (local $s5 i32) (local $end i32)
    (local $al v128) (local $bt v128) (local $bm v128)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $c40 v128) (local $c41 v128) (local $c50 v128) (local $c51 v128)
    (local.set $s2 (i32.shl (local.get $sam) (i32.const 1)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $sam)))
    (local.set $s4 (i32.shl (local.get $sam) (i32.const 2)))
    (local.set $s5 (i32.add (local.get $s4) (local.get $sam)))
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.lt_u (local.get $b) (local.get $end))
      (then
        (loop $k
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $sam))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $s2))))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $s3))))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $s4))))
          (local.set $c40 (f32x4.add (local.get $c40) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c41 (f32x4.add (local.get $c41) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $s5))))
          (local.set $c50 (f32x4.add (local.get $c50) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c51 (f32x4.add (local.get $c51) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $a (i32.add (local.get $a) (local.get $sak)))
          (br_if $k (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 32))) (local.get $end))))))
    ;; full rows in place (a call of $store8 per row cost a tenth of a short-K tile): alpha * sum + beta * C,
    ;; C read but masked off when beta is 0 (so NaN in C does not leak through)
    (if (i32.eq (local.get $nv) (i32.const 8))
      (then
        (local.set $al (f32x4.splat (local.get $alpha)))
        (local.set $bt (f32x4.splat (local.get $beta)))
        (local.set $bm (i32x4.splat (i32.sub (i32.const 0) (f32.ne (local.get $beta) (f32.const 0)))))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c00) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c01) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c10) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c11) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c20) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c21) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c30) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c31) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c40) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c41) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (f32x4.mul (local.get $c50) (local.get $al))
          (v128.and (f32x4.mul (v128.load (local.get $c)) (local.get $bt)) (local.get $bm))))
        (v128.store offset=16 (local.get $c) (f32x4.add (f32x4.mul (local.get $c51) (local.get $al))
          (v128.and (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $bt)) (local.get $bm))))
        (return)))
    (call $store8 (local.get $c) (local.get $c00) (local.get $c01) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c10) (local.get $c11) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c20) (local.get $c21) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c30) (local.get $c31) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c40) (local.get $c41) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c50) (local.get $c51) (local.get $alpha) (local.get $beta) (local.get $nv)))

  ;; A 1 x 8 tile, for the last M % 4 rows.
  (func $tile1 (param $a i32) (param $sak i32) (param $b i32) (param $kc i32)
               (param $c i32) (param $alpha f32) (param $beta f32) (param $nv i32)
    (local $end i32) (local $x v128) (local $b0 v128) (local $b1 v128) (local $c00 v128) (local $c01 v128)
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.lt_u (local.get $b) (local.get $end))
      (then
        (loop $k
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
          (local.set $a (i32.add (local.get $a) (local.get $sak)))
          (br_if $k (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 32))) (local.get $end))))))
    (call $store8 (local.get $c) (local.get $c00) (local.get $c01) (local.get $alpha) (local.get $beta) (local.get $nv)))
  ;; @fma-twin end

  ;; C = alpha * op(A) op(B) + beta * C. Pointers are byte offsets into this memory, leading
  ;; dimensions are in elements; work needs min(K, kcMax) * 8 * ceil(N / 8) floats, and with transA
  ;; min(M, mcMax) * min(K, kcMax) more after them (A^T's packed rows; workBytes in module.ts). With packed set and
  ;; K <= kcMax, work already holds op(B) packed by an earlier call, and B is not read. With fma set,
  ;; the tiles' multiply-adds are fused (one rounding each) in the relaxed-SIMD build of the module;
  ;; the other build has no relaxed SIMD, and there fma changes nothing.
  (func (export "gemm")
        (param $transA i32) (param $transB i32) (param $M i32) (param $N i32) (param $K i32) (param $alpha f32)
        (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
        (param $beta f32) (param $c i32) (param $ldc i32)
        (param $work i32) (param $kcMax i32) (param $mcMax i32) (param $packed i32) (param $fma i32)
    (local $sam i32) (local $sak i32) (local $ldcb i32) (local $k0 i32) (local $kc i32) (local $be f32)
    (local $m0 i32) (local $m1 i32) (local $m i32) (local $n0 i32) (local $nv i32) (local $bp i32)
    (local $ak i32) (local $ct i32) (local $pa i32) (local $ap i32) (local $apos i32) (local $tsam i32) (local $tsak i32)
    (if (local.get $transA)
      (then (local.set $sam (i32.const 4)) (local.set $sak (i32.shl (local.get $lda) (i32.const 2))))
      (else (local.set $sam (i32.shl (local.get $lda) (i32.const 2))) (local.set $sak (i32.const 4))))
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
    ;; A^T's packed rows: after B's panels (min(K, kcMax) * 32 bytes per panel of 8 columns)
    (local.set $pa (select (local.get $K) (local.get $kcMax) (i32.lt_s (local.get $K) (local.get $kcMax))))
    (local.set $pa (i32.add (local.get $work)
      (i32.mul (i32.shl (local.get $pa) (i32.const 5)) (i32.shr_u (i32.add (local.get $N) (i32.const 7)) (i32.const 3)))))
    (local.set $be (local.get $beta))
    ;; one pass even when K is 0, so that C = beta * C
    (loop $kblock
      (local.set $kc (i32.sub (local.get $K) (local.get $k0)))
      (if (i32.gt_s (local.get $kc) (local.get $kcMax)) (then (local.set $kc (local.get $kcMax))))
      ;; packed: work already holds op(B)'s panels from an earlier call (one k-block: K <= kcMax)
      (if (i32.eqz (local.get $packed))
        (then (call $packB (local.get $b) (local.get $ldb) (local.get $transB) (local.get $k0) (local.get $kc) (local.get $N) (local.get $work))))
      (local.set $ak (i32.add (local.get $a) (i32.mul (local.get $k0) (local.get $sak))))
      (local.set $m0 (i32.const 0))
      (block $mdone (loop $mblock
        (br_if $mdone (i32.ge_s (local.get $m0) (local.get $M)))
        (local.set $m1 (i32.add (local.get $m0) (local.get $mcMax)))
        (if (i32.gt_s (local.get $m1) (local.get $M)) (then (local.set $m1 (local.get $M))))
        ;; the tiles' A: packed rows for A^T (4-row group g at pa + g * kc * 16), else A in place
        (if (local.get $transA)
          (then
            (call $packA (i32.add (local.get $ak) (i32.shl (local.get $m0) (i32.const 2))) (local.get $lda) (local.get $kc)
              (i32.shr_s (i32.sub (local.get $m1) (local.get $m0)) (i32.const 2)) (local.get $pa))
            ;; row m's tile at ap + m * apos = pa + (m - m0) * kc * 4
            (local.set $apos (i32.shl (local.get $kc) (i32.const 2)))
            (local.set $ap (i32.sub (local.get $pa) (i32.mul (local.get $m0) (local.get $apos))))
            (local.set $tsam (i32.const 4))
            (local.set $tsak (i32.const 16)))
          (else
            (local.set $ap (local.get $ak))
            (local.set $apos (local.get $sam))
            (local.set $tsam (local.get $sam))
            (local.set $tsak (local.get $sak))))
        (local.set $n0 (i32.const 0))
        (local.set $bp (local.get $work))
        (block $ndone (loop $npanel
          (br_if $ndone (i32.ge_s (local.get $n0) (local.get $N)))
          (local.set $nv (i32.sub (local.get $N) (local.get $n0)))
          (if (i32.gt_s (local.get $nv) (i32.const 8)) (then (local.set $nv (i32.const 8))))
          (local.set $m (local.get $m0))
          ;; 6-row tiles where A is read in place and M is large (the input projection, the head: 1.2x
          ;; there, bench/gemm.ts); a step's few rows (B of 16 to 64) keep 4-row tiles, which divide them
          (if (i32.and (i32.eqz (local.get $transA)) (i32.ge_s (local.get $M) (i32.const 96)))
            (then
              (block $e6 (loop $l6
                (br_if $e6 (i32.gt_s (i32.add (local.get $m) (i32.const 6)) (local.get $m1)))
                (local.set $ct (i32.add (local.get $c) (i32.add (i32.mul (local.get $m) (local.get $ldcb)) (i32.shl (local.get $n0) (i32.const 2)))))
                (if (local.get $fma)
                  (then (call $tile6_fma (i32.add (local.get $ak) (i32.mul (local.get $m) (local.get $sam))) (local.get $sam) (local.get $sak)
                          (local.get $bp) (local.get $kc) (local.get $ct) (local.get $ldcb) (local.get $alpha) (local.get $be) (local.get $nv)))
                  (else (call $tile6 (i32.add (local.get $ak) (i32.mul (local.get $m) (local.get $sam))) (local.get $sam) (local.get $sak)
                          (local.get $bp) (local.get $kc) (local.get $ct) (local.get $ldcb) (local.get $alpha) (local.get $be) (local.get $nv))))
                (local.set $m (i32.add (local.get $m) (i32.const 6)))
                (br $l6)))))
          (block $e4 (loop $l4
            (br_if $e4 (i32.gt_s (i32.add (local.get $m) (i32.const 4)) (local.get $m1)))
            (local.set $ct (i32.add (local.get $c) (i32.add (i32.mul (local.get $m) (local.get $ldcb)) (i32.shl (local.get $n0) (i32.const 2)))))
            (if (local.get $fma)
              (then (call $tile4_fma (i32.add (local.get $ap) (i32.mul (local.get $m) (local.get $apos))) (local.get $tsam) (local.get $tsak)
                      (local.get $bp) (local.get $kc) (local.get $ct) (local.get $ldcb) (local.get $alpha) (local.get $be) (local.get $nv)))
              (else (call $tile4 (i32.add (local.get $ap) (i32.mul (local.get $m) (local.get $apos))) (local.get $tsam) (local.get $tsak)
                      (local.get $bp) (local.get $kc) (local.get $ct) (local.get $ldcb) (local.get $alpha) (local.get $be) (local.get $nv))))
            (local.set $m (i32.add (local.get $m) (i32.const 4)))
            (br $l4)))
          (block $e1 (loop $l1
            (br_if $e1 (i32.ge_s (local.get $m) (local.get $m1)))
            (local.set $ct (i32.add (local.get $c) (i32.add (i32.mul (local.get $m) (local.get $ldcb)) (i32.shl (local.get $n0) (i32.const 2)))))
            (if (local.get $fma)
              (then (call $tile1_fma (i32.add (local.get $ak) (i32.mul (local.get $m) (local.get $sam))) (local.get $sak)
                      (local.get $bp) (local.get $kc) (local.get $ct) (local.get $alpha) (local.get $be) (local.get $nv)))
              (else (call $tile1 (i32.add (local.get $ak) (i32.mul (local.get $m) (local.get $sam))) (local.get $sak)
                      (local.get $bp) (local.get $kc) (local.get $ct) (local.get $alpha) (local.get $be) (local.get $nv))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $l1)))
          (local.set $bp (i32.add (local.get $bp) (i32.shl (local.get $kc) (i32.const 5))))
          (local.set $n0 (i32.add (local.get $n0) (i32.const 8)))
          (br $npanel)))
        (local.set $m0 (local.get $m1))
        (br $mblock)))
      (local.set $be (f32.const 1))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
      (br_if $kblock (i32.lt_s (local.get $k0) (local.get $K)))))

;; WebAssembly SIMD GEMM: C = alpha * op(A) op(B) + beta * C on float32, row-major, in this module's
;; own memory (the caller copies A, B and C in, and C out). Compiled by tools/build-wasm.mjs into
;; gemm-wasm.ts; the readable reference is gemmRef in ../gemm.ts, and test/gemm-wasm.test.ts holds
;; the two together.
;;
;; Loop structure (BLIS, without packing A):
;;   for each block of kc <= KC steps of k:        pack op(B)[k0 : k0+kc, :] into panels of 8 columns
;;     for each block of mc <= MC rows of C:       (keeps that block of A and C in cache)
;;       for each panel of 8 columns:              (the panel, kc * 32 bytes, stays in L1)
;;         for each 4 rows: a 4 x 8 tile of C in eight f32x4 registers over the whole kc loop.
;; A is read in place through strides, so both layouts of A are the same loop: row i of the tile at
;; a + i * sam, stepping sak bytes per k (sam = lda*4, sak = 4 for A; sam = 4, sak = lda*4 for A^T).
;; Each k-block's sums are added into C once (alpha * sum + beta * C on the first block, + C after), so
;; a float32 sum never runs over more than KC terms before it is stored.
;;
;; Bytes 0..63 are scratch for storing a partial tile; the caller's arrays start at 64.
(module
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

  ;; A 4 x 8 tile: C[i, 0..8) (rows at c + i * ldc bytes) from A rows at a + i * sam and one packed
  ;; panel of B (8 floats per k).
  (func $tile4 (param $a i32) (param $sam i32) (param $sak i32) (param $b i32) (param $kc i32)
               (param $c i32) (param $ldc i32) (param $alpha f32) (param $beta f32) (param $nv i32)
    (local $s2 i32) (local $s3 i32) (local $end i32)
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
    (call $store8 (local.get $c) (local.get $c00) (local.get $c01) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c10) (local.get $c11) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c20) (local.get $c21) (local.get $alpha) (local.get $beta) (local.get $nv))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $store8 (local.get $c) (local.get $c30) (local.get $c31) (local.get $alpha) (local.get $beta) (local.get $nv)))

  ;; A 1 x 8 tile, for the last M % 4 rows.
  (func $tile1 (param $a i32) (param $sak i32) (param $b i32) (param $kc i32)
               (param $c i32) (param $alpha f32) (param $beta f32) (param $nv i32)
    (local $end i32) (local $x v128) (local $c00 v128) (local $c01 v128)
    (local.set $end (i32.add (local.get $b) (i32.shl (local.get $kc) (i32.const 5))))
    (if (i32.lt_u (local.get $b) (local.get $end))
      (then
        (loop $k
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (v128.load (local.get $b)))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $b)))))
          (local.set $a (i32.add (local.get $a) (local.get $sak)))
          (br_if $k (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 32))) (local.get $end))))))
    (call $store8 (local.get $c) (local.get $c00) (local.get $c01) (local.get $alpha) (local.get $beta) (local.get $nv)))

  ;; C = alpha * op(A) op(B) + beta * C. Pointers are byte offsets into this memory, leading
  ;; dimensions are in elements; work needs kcMax * 8 * ceil(N / 8) floats. With packed set and
  ;; K <= kcMax, work already holds op(B) packed by an earlier call, and B is not read.
  (func (export "gemm")
        (param $transA i32) (param $transB i32) (param $M i32) (param $N i32) (param $K i32) (param $alpha f32)
        (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32)
        (param $beta f32) (param $c i32) (param $ldc i32)
        (param $work i32) (param $kcMax i32) (param $mcMax i32) (param $packed i32)
    (local $sam i32) (local $sak i32) (local $ldcb i32) (local $k0 i32) (local $kc i32) (local $be f32)
    (local $m0 i32) (local $m1 i32) (local $m i32) (local $n0 i32) (local $nv i32) (local $bp i32)
    (local $ak i32)
    (if (local.get $transA)
      (then (local.set $sam (i32.const 4)) (local.set $sak (i32.shl (local.get $lda) (i32.const 2))))
      (else (local.set $sam (i32.shl (local.get $lda) (i32.const 2))) (local.set $sak (i32.const 4))))
    (local.set $ldcb (i32.shl (local.get $ldc) (i32.const 2)))
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
        (local.set $n0 (i32.const 0))
        (local.set $bp (local.get $work))
        (block $ndone (loop $npanel
          (br_if $ndone (i32.ge_s (local.get $n0) (local.get $N)))
          (local.set $nv (i32.sub (local.get $N) (local.get $n0)))
          (if (i32.gt_s (local.get $nv) (i32.const 8)) (then (local.set $nv (i32.const 8))))
          (local.set $m (local.get $m0))
          (block $e4 (loop $l4
            (br_if $e4 (i32.gt_s (i32.add (local.get $m) (i32.const 4)) (local.get $m1)))
            (call $tile4
              (i32.add (local.get $ak) (i32.mul (local.get $m) (local.get $sam))) (local.get $sam) (local.get $sak)
              (local.get $bp) (local.get $kc)
              (i32.add (local.get $c) (i32.add (i32.mul (local.get $m) (local.get $ldcb)) (i32.shl (local.get $n0) (i32.const 2))))
              (local.get $ldcb) (local.get $alpha) (local.get $be) (local.get $nv))
            (local.set $m (i32.add (local.get $m) (i32.const 4)))
            (br $l4)))
          (block $e1 (loop $l1
            (br_if $e1 (i32.ge_s (local.get $m) (local.get $m1)))
            (call $tile1
              (i32.add (local.get $ak) (i32.mul (local.get $m) (local.get $sam))) (local.get $sak)
              (local.get $bp) (local.get $kc)
              (i32.add (local.get $c) (i32.add (i32.mul (local.get $m) (local.get $ldcb)) (i32.shl (local.get $n0) (i32.const 2))))
              (local.get $alpha) (local.get $be) (local.get $nv))
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

  ;; ---- Cell kernels: the element-wise half of an LSTM or GRU step, four units per vector.
  ;; The float32 twins of the JavaScript loops in src/nn/cells/lstm.ts and gru.ts (the reference and
  ;; fallback; test/cells-wasm.test.ts holds them together). Every row of B items is active (ragged
  ;; batches take the JavaScript path), and H is a multiple of 4.

  ;; tanh to float32 precision: Eigen's rational fit on [-7.99, 7.99], as tanh32 in activations.ts.
  ;; (Constants are splats of f32.const where that is smaller than a v128.const, to keep the module small.)
  (func $tanh4 (param $v v128) (result v128)
    (local $x v128) (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $v) (v128.const f32x4 -7.99 -7.99 -7.99 -7.99))
                             (v128.const f32x4 7.99 7.99 7.99 7.99)))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8 5.12229709037114e-8)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5 1.48572235717979e-5)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4 6.37261928875436e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3 4.89352455891786e-3)))
    (local.set $p (f32x4.mul (local.get $p) (local.get $x)))
    (local.set $q (v128.const f32x4 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6 1.19825839466702e-6))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (v128.const f32x4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4 1.18534705686654e-4)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (v128.const f32x4 2.26843463243900e-3 2.26843463243900e-3 2.26843463243900e-3 2.26843463243900e-3)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (v128.const f32x4 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3 4.89352518554385e-3)))
    (f32x4.div (local.get $p) (local.get $q)))

  ;; sigmoid(v) = (1 + tanh(v / 2)) / 2, as sigmoid32.
  (func $sig4 (param $v v128) (result v128)
    (f32x4.add (f32x4.splat (f32.const 0.5))
      (f32x4.mul (f32x4.splat (f32.const 0.5))
        (call $tanh4 (f32x4.mul (local.get $v) (v128.const f32x4 0.5 0.5 0.5 0.5))))))

  ;; LSTM, one step of B items: gates (B x 4H pre-activations, i f g o) become the activated gates;
  ;; c_t = f * ccur + i * g goes to ccur and c, tanh(c_t) to tc, h_t = o * tanh(c_t) to h.
  (func (export "lstm_cell") (param $gates i32) (param $ccur i32) (param $c i32) (param $tc i32) (param $h i32)
                             (param $B i32) (param $H i32)
    (local $hb i32) (local $row i32) (local $u i32) (local $end i32) (local $j i32) (local $b i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $cv v128) (local $t v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $row (local.get $gates))
    (local.set $u (i32.const 0)) ;; byte offset of unit (b, j) in the B x H arrays
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_s (local.get $j) (local.get $hb)))
        (local.set $end (i32.add (local.get $row) (local.get $j)))
        (local.set $i (call $sig4 (v128.load (local.get $end))))
        (local.set $f (call $sig4 (v128.load (i32.add (local.get $end) (local.get $hb)))))
        (local.set $g (call $tanh4 (v128.load (i32.add (local.get $end) (i32.shl (local.get $hb) (i32.const 1))))))
        (local.set $o (call $sig4 (v128.load (i32.add (local.get $end) (i32.mul (local.get $hb) (i32.const 3))))))
        (v128.store (local.get $end) (local.get $i))
        (v128.store (i32.add (local.get $end) (local.get $hb)) (local.get $f))
        (v128.store (i32.add (local.get $end) (i32.shl (local.get $hb) (i32.const 1))) (local.get $g))
        (v128.store (i32.add (local.get $end) (i32.mul (local.get $hb) (i32.const 3))) (local.get $o))
        (local.set $cv (f32x4.add (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $ccur) (local.get $u))))
                                  (f32x4.mul (local.get $i) (local.get $g))))
        (v128.store (i32.add (local.get $ccur) (local.get $u)) (local.get $cv))
        (v128.store (i32.add (local.get $c) (local.get $u)) (local.get $cv))
        (local.set $t (call $tanh4 (local.get $cv)))
        (v128.store (i32.add (local.get $tc) (local.get $u)) (local.get $t))
        (v128.store (i32.add (local.get $h) (local.get $u)) (f32x4.mul (local.get $o) (local.get $t)))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $jl)))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $hb) (i32.const 2))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; GRU, one step of B items: gates holds the input side (B x 3H, r z n) and gh the W_hh h side
  ;; without bias; bias is b_hh (3H floats, zeros when the layer has none); h holds h_(t-1).
  ;; r = sig(gx_r + (gh_r + b_r)), z likewise, hn = gh_n + b_n (kept in gh), n = tanh(gx_n + r * hn),
  ;; h_t = (1 - z) * n + z * h_(t-1) (in h); gates become r, z, n.
  (func (export "gru_cell") (param $gates i32) (param $gh i32) (param $bias i32) (param $h i32)
                            (param $B i32) (param $H i32)
    (local $hb i32) (local $row i32) (local $grow i32) (local $u i32) (local $j i32) (local $b i32) (local $p i32) (local $q i32)
    (local $r v128) (local $z v128) (local $hn v128) (local $n v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $row (local.get $gates))
    (local.set $grow (local.get $gh))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_s (local.get $j) (local.get $hb)))
        (local.set $p (i32.add (local.get $row) (local.get $j)))
        (local.set $q (i32.add (local.get $grow) (local.get $j)))
        (local.set $r (call $sig4 (f32x4.add (v128.load (local.get $p))
          (f32x4.add (v128.load (local.get $q)) (v128.load (i32.add (local.get $bias) (local.get $j)))))))
        (local.set $z (call $sig4 (f32x4.add (v128.load (i32.add (local.get $p) (local.get $hb)))
          (f32x4.add (v128.load (i32.add (local.get $q) (local.get $hb)))
                     (v128.load (i32.add (i32.add (local.get $bias) (local.get $hb)) (local.get $j)))))))
        (local.set $hn (f32x4.add (v128.load (i32.add (local.get $q) (i32.shl (local.get $hb) (i32.const 1))))
                                  (v128.load (i32.add (i32.add (local.get $bias) (i32.shl (local.get $hb) (i32.const 1))) (local.get $j)))))
        (v128.store (i32.add (local.get $q) (i32.shl (local.get $hb) (i32.const 1))) (local.get $hn))
        (local.set $n (call $tanh4 (f32x4.add (v128.load (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))))
                                              (f32x4.mul (local.get $r) (local.get $hn)))))
        (v128.store (local.get $p) (local.get $r))
        (v128.store (i32.add (local.get $p) (local.get $hb)) (local.get $z))
        (v128.store (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1))) (local.get $n))
        (local.set $u (i32.add (local.get $h) (i32.add (i32.mul (local.get $b) (local.get $hb)) (local.get $j))))
        (v128.store (local.get $u)
          (f32x4.add (f32x4.mul (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $z)) (local.get $n))
                     (f32x4.mul (local.get $z) (v128.load (local.get $u)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $jl)))
      (local.set $row (i32.add (local.get $row) (i32.mul (local.get $hb) (i32.const 3))))
      (local.set $grow (i32.add (local.get $grow) (i32.mul (local.get $hb) (i32.const 3))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; Elman RNN, one step of n = B x H units: gates (pre-activations) become h_t = tanh or relu of
  ;; them, in place and in h.
  (func (export "rnn_cell") (param $gates i32) (param $h i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $end i32) (local $v v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $d (loop $l
      (br_if $d (i32.ge_s (local.get $i) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $gates) (local.get $i))))
      (if (local.get $relu)
        (then (local.set $v (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0))))
        (else (local.set $v (call $tanh4 (local.get $v)))))
      (v128.store (i32.add (local.get $gates) (local.get $i)) (local.get $v))
      (v128.store (i32.add (local.get $h) (local.get $i)) (local.get $v))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l))))

  ;; LSTM backward, one step of B items: from the activated gates (i f g o), tanh(c_t), c_(t-1),
  ;; dh = dL/dh_t and dc = dL/dc_t (running), writes dgates (of the pre-activations) and
  ;; dc = dL/dc_(t-1) through this step: dct = dh o (1 - tanh^2 c) + dc, dc' = dct f,
  ;; di = dct g i (1 - i), df = dct c_(t-1) f (1 - f), dg = dct i (1 - g^2), do = dh tanh(c) o (1 - o).
  (func (export "lstm_back") (param $gates i32) (param $tc i32) (param $cprev i32) (param $dh i32) (param $dc i32)
                             (param $dgates i32) (param $B i32) (param $H i32)
    (local $hb i32) (local $row i32) (local $drow i32) (local $u i32) (local $j i32) (local $b i32) (local $p i32) (local $q i32)
    (local $i v128) (local $f v128) (local $g v128) (local $o v128) (local $t v128) (local $dm v128) (local $dct v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (local.set $row (local.get $gates))
    (local.set $drow (local.get $dgates))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_s (local.get $j) (local.get $hb)))
        (local.set $p (i32.add (local.get $row) (local.get $j)))
        (local.set $q (i32.add (local.get $drow) (local.get $j)))
        (local.set $i (v128.load (local.get $p)))
        (local.set $f (v128.load (i32.add (local.get $p) (local.get $hb))))
        (local.set $g (v128.load (i32.add (local.get $p) (i32.shl (local.get $hb) (i32.const 1)))))
        (local.set $o (v128.load (i32.add (local.get $p) (i32.mul (local.get $hb) (i32.const 3)))))
        (local.set $t (v128.load (i32.add (local.get $tc) (local.get $u))))
        (local.set $dm (v128.load (i32.add (local.get $dh) (local.get $u))))
        (local.set $dct (f32x4.add
          (f32x4.mul (f32x4.mul (local.get $dm) (local.get $o))
                     (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $t) (local.get $t))))
          (v128.load (i32.add (local.get $dc) (local.get $u)))))
        (v128.store (i32.add (local.get $dc) (local.get $u)) (f32x4.mul (local.get $dct) (local.get $f)))
        (v128.store (local.get $q)
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dct) (local.get $g)) (local.get $i))
                     (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $i))))
        (v128.store (i32.add (local.get $q) (local.get $hb))
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dct) (v128.load (i32.add (local.get $cprev) (local.get $u)))) (local.get $f))
                     (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $f))))
        (v128.store (i32.add (local.get $q) (i32.shl (local.get $hb) (i32.const 1)))
          (f32x4.mul (f32x4.mul (local.get $dct) (local.get $i))
                     (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $g) (local.get $g)))))
        (v128.store (i32.add (local.get $q) (i32.mul (local.get $hb) (i32.const 3)))
          (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dm) (local.get $t)) (local.get $o))
                     (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $o))))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $jl)))
      (local.set $row (i32.add (local.get $row) (i32.shl (local.get $hb) (i32.const 2))))
      (local.set $drow (i32.add (local.get $drow) (i32.shl (local.get $hb) (i32.const 2))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; GRU backward, one step of B items: from r z n (gates), W_hn h + b_hn (gh's n part), h_(t-1) and
  ;; dh = dL/dh_t, writes dgates (input side: dr dz dn), dgh (W_hh side: dr dz dn r) and dh = z dL/dh_t
  ;; (the direct path to h_(t-1); the caller adds dgh W_hh).
  ;; dn = dh (1 - z)(1 - n^2), dz = dh (h_(t-1) - n) z (1 - z), dr = dn hn r (1 - r).
  (func (export "gru_back") (param $gates i32) (param $gh i32) (param $hprev i32) (param $dh i32)
                            (param $dgates i32) (param $dgh i32) (param $B i32) (param $H i32)
    (local $hb i32) (local $off i32) (local $u i32) (local $j i32) (local $b i32) (local $p i32)
    (local $r v128) (local $z v128) (local $n v128) (local $d v128) (local $dn v128) (local $dr v128) (local $dz v128)
    (local.set $hb (i32.shl (local.get $H) (i32.const 2)))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_s (local.get $b) (local.get $B)))
      (local.set $j (i32.const 0))
      (block $jd (loop $jl
        (br_if $jd (i32.ge_s (local.get $j) (local.get $hb)))
        (local.set $p (i32.add (local.get $off) (local.get $j))) ;; byte offset of r for this unit in B x 3H
        (local.set $r (v128.load (i32.add (local.get $gates) (local.get $p))))
        (local.set $z (v128.load (i32.add (i32.add (local.get $gates) (local.get $p)) (local.get $hb))))
        (local.set $n (v128.load (i32.add (i32.add (local.get $gates) (local.get $p)) (i32.shl (local.get $hb) (i32.const 1)))))
        (local.set $d (v128.load (i32.add (local.get $dh) (local.get $u))))
        (local.set $dn (f32x4.mul (f32x4.mul (local.get $d) (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $z)))
                                  (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $n) (local.get $n)))))
        (local.set $dz (f32x4.mul (f32x4.mul (f32x4.mul (local.get $d)
                                    (f32x4.sub (v128.load (i32.add (local.get $hprev) (local.get $u))) (local.get $n)))
                                    (local.get $z))
                                  (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $z))))
        (local.set $dr (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dn)
                                    (v128.load (i32.add (i32.add (local.get $gh) (local.get $p)) (i32.shl (local.get $hb) (i32.const 1)))))
                                    (local.get $r))
                                  (f32x4.sub (f32x4.splat (f32.const 1)) (local.get $r))))
        (v128.store (i32.add (local.get $dgates) (local.get $p)) (local.get $dr))
        (v128.store (i32.add (i32.add (local.get $dgates) (local.get $p)) (local.get $hb)) (local.get $dz))
        (v128.store (i32.add (i32.add (local.get $dgates) (local.get $p)) (i32.shl (local.get $hb) (i32.const 1))) (local.get $dn))
        (v128.store (i32.add (local.get $dgh) (local.get $p)) (local.get $dr))
        (v128.store (i32.add (i32.add (local.get $dgh) (local.get $p)) (local.get $hb)) (local.get $dz))
        (v128.store (i32.add (i32.add (local.get $dgh) (local.get $p)) (i32.shl (local.get $hb) (i32.const 1)))
                    (f32x4.mul (local.get $dn) (local.get $r)))
        (v128.store (i32.add (local.get $dh) (local.get $u)) (f32x4.mul (local.get $d) (local.get $z)))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $jl)))
      (local.set $off (i32.add (local.get $off) (i32.mul (local.get $hb) (i32.const 3))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bl))))

  ;; Elman RNN backward, one step of n = B x H units: dgates = dh (1 - h^2) for tanh, dh [h > 0] for
  ;; relu, from h_t (gates) and dh = dL/dh_t.
  (func (export "rnn_back") (param $h i32) (param $dh i32) (param $dg i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $v v128) (local $d v128)
    (local.set $n (i32.shl (local.get $n) (i32.const 2)))
    (block $e (loop $l
      (br_if $e (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $v (v128.load (i32.add (local.get $h) (local.get $i))))
      (local.set $d (v128.load (i32.add (local.get $dh) (local.get $i))))
      (v128.store (i32.add (local.get $dg) (local.get $i))
        (if (result v128) (local.get $relu)
          (then (v128.and (local.get $d) (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0)))))
          (else (f32x4.mul (local.get $d) (f32x4.sub (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $v) (local.get $v)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l))))
)

;; LSTM inference: one layer and direction's whole pass without gradients in one call (module fields,
;; joined by tools/build-wasm.mjs; src/nn/cells/infer-pass.ts drives it). The numbers are those of the
;; ordinary pass (the stack's input projection, then lstm-wasm.ts's steps: gemm.wat's tiles and
;; lstm.wat's kernel) bit for bit: each gate's sum over k in the same order and k-blocks, fused where
;; gemm.wat's would be, added to the same things in the same order, through the same activations.
;;
;; The weights are packed (pack_gates) so that one unit group, four units j..j+3, has its four gates'
;; columns together: for each k, 16 floats i(j..j+3) f(..) g(..) o(..), 64 bytes, k after k. A job is
;; one item of one group: its 16 gate sums are four vectors. Two jobs go at a time, eight sums in
;; flight: two items of one group (6 loads per 8 multiply-adds), or, for an odd batch's last item (at
;; batch 1, every item), one item's two groups. Jobs run group-major, so a group's weights,
;; (I + H) x 64 bytes, stay in L1 while the items go by; every 64 jobs, their sums (4 KB) go through
;; the cell's element-wise step together (no (B, 4H) gates array, no GEMM call per step).

  ;; Packs W (G x K row-major, G = 4H, H a multiple of 4) into dst by unit group:
  ;; dst[((u K + k) 16 + g 4 + jj] = W[(g H + 4u + jj) K + k], transposing 4 x 4 blocks with shuffles.
  (func (export "pack_gates") (param $src i32) (param $K i32) (param $H i32) (param $dst i32)
    (local $u i32) (local $g i32) (local $s i32) (local $d i32) (local $k i32) (local $kb i32) (local $jj i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $kb (i32.shl (local.get $K) (i32.const 2)))
    (block $ud (loop $ul
      (br_if $ud (i32.ge_s (local.get $u) (local.get $H)))
      (local.set $g (i32.const 0))
      (block $gd (loop $gl
        (br_if $gd (i32.ge_s (local.get $g) (i32.const 4)))
        ;; rows g H + u .. + 3 (u counts units here), written at dst + (u K 16 + g 4) 4 / 4 ...
        (local.set $s (i32.add (local.get $src)
          (i32.mul (i32.add (i32.mul (local.get $g) (local.get $H)) (local.get $u)) (local.get $kb))))
        (local.set $d (i32.add (local.get $dst)
          (i32.add (i32.shl (i32.mul (local.get $u) (local.get $kb)) (i32.const 2)) (i32.shl (local.get $g) (i32.const 4)))))
        (local.set $k (i32.const 0))
        (block $kd (loop $kl
          (br_if $kd (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
          (local.set $r0 (v128.load (local.get $s)))
          (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $kb))))
          (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $kb) (i32.const 1)))))
          (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $kb) (i32.const 3)))))
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
          (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
          (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
          (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
          (v128.store offset=64 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
          (v128.store offset=128 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
          (v128.store offset=192 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
          (local.set $s (i32.add (local.get $s) (i32.const 16)))
          (local.set $d (i32.add (local.get $d) (i32.const 256)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $kl)))
        ;; the last K % 4 steps one float at a time
        (block $ed (loop $el
          (br_if $ed (i32.ge_s (local.get $k) (local.get $K)))
          (local.set $jj (i32.const 0))
          (block $jd (loop $jl
            (br_if $jd (i32.ge_s (local.get $jj) (i32.const 4)))
            (f32.store (i32.add (local.get $d) (i32.shl (local.get $jj) (i32.const 2)))
              (f32.load (i32.add (local.get $s) (i32.mul (local.get $jj) (local.get $kb)))))
            (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
            (br $jl)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (local.set $d (i32.add (local.get $d) (i32.const 64)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $el)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $gl)))
      (local.set $u (i32.add (local.get $u) (i32.const 4)))
      (br $ul))))

  ;; @fma-twin begin: tools/build-wasm.mjs copies $dotI and $dotG to $dotI_fma and $dotG_fma, their
  ;; multiply-adds fused. Each sums two jobs' gates over kc steps of k into eight vectors and stores
  ;; them at r (job 0's i f g o, then job 1's), reading A rows 4 bytes a step and packed weights 64.
  ;; Two items (A rows at a0, a1) of one group (weights at w): 6 loads per 8 multiply-adds.
  (func $dotI (param $a0 i32) (param $a1 i32) (param $w i32) (param $kc i32) (param $r i32)
    (local $end i32) (local $x v128) (local $y v128) (local $b v128)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $kc) (i32.const 6))))
    (if (i32.lt_u (local.get $w) (local.get $end))
      (then
        (loop $k
          (local.set $x (v128.load32_splat (local.get $a0)))
          (local.set $y (v128.load32_splat (local.get $a1)))
          (local.set $b (v128.load (local.get $w)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $y) (local.get $b))))
          (local.set $b (v128.load offset=16 (local.get $w)))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $y) (local.get $b))))
          (local.set $b (v128.load offset=32 (local.get $w)))
          (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $y) (local.get $b))))
          (local.set $b (v128.load offset=48 (local.get $w)))
          (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $y) (local.get $b))))
          (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
          (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
          (br_if $k (i32.lt_u (local.tee $w (i32.add (local.get $w) (i32.const 64))) (local.get $end))))))
    (v128.store (local.get $r) (local.get $c00))
    (v128.store offset=16 (local.get $r) (local.get $c01))
    (v128.store offset=32 (local.get $r) (local.get $c02))
    (v128.store offset=48 (local.get $r) (local.get $c03))
    (v128.store offset=64 (local.get $r) (local.get $c10))
    (v128.store offset=80 (local.get $r) (local.get $c11))
    (v128.store offset=96 (local.get $r) (local.get $c12))
    (v128.store offset=112 (local.get $r) (local.get $c13)))

  ;; One item (A row at a) of two groups (weights at w0, w1): at batch 1, 9 loads per 8 multiply-adds.
  (func $dotG (param $a i32) (param $w0 i32) (param $w1 i32) (param $kc i32) (param $r i32)
    (local $end i32) (local $x v128) (local $y v128) (local $b v128)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local.set $end (i32.add (local.get $w0) (i32.shl (local.get $kc) (i32.const 6))))
    (if (i32.lt_u (local.get $w0) (local.get $end))
      (then
        (loop $k
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $b (v128.load (local.get $w0)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load offset=16 (local.get $w0)))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load offset=32 (local.get $w0)))
          (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load offset=48 (local.get $w0)))
          (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load (local.get $w1)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load offset=16 (local.get $w1)))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load offset=32 (local.get $w1)))
          (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $b (v128.load offset=48 (local.get $w1)))
          (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $x) (local.get $b))))
          (local.set $a (i32.add (local.get $a) (i32.const 4)))
          (local.set $w1 (i32.add (local.get $w1) (i32.const 64)))
          (br_if $k (i32.lt_u (local.tee $w0 (i32.add (local.get $w0) (i32.const 64))) (local.get $end))))))
    (v128.store (local.get $r) (local.get $c00))
    (v128.store offset=16 (local.get $r) (local.get $c01))
    (v128.store offset=32 (local.get $r) (local.get $c02))
    (v128.store offset=48 (local.get $r) (local.get $c03))
    (v128.store offset=64 (local.get $r) (local.get $c10))
    (v128.store offset=80 (local.get $r) (local.get $c11))
    (v128.store offset=96 (local.get $r) (local.get $c12))
    (v128.store offset=112 (local.get $r) (local.get $c13)))
  ;; @fma-twin end

  ;; The eight vectors at v become those at r + v (gemm.wat's store8 with alpha 1 and beta 1), or those
  ;; at r where add is 0 (beta 0).
  (func $put8 (param $r i32) (param $v i32) (param $add i32)
    (local $i i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (i32.const 128)))
      (v128.store (i32.add (local.get $v) (local.get $i))
        (select (f32x4.add (v128.load (i32.add (local.get $r) (local.get $i))) (v128.load (i32.add (local.get $v) (local.get $i))))
                (v128.load (i32.add (local.get $r) (local.get $i)))
                (local.get $add)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $l))))

  ;; The cell's element-wise step for n jobs whose gate sums are at g (64 bytes a job: i f g o), as
  ;; lstm.wat's lstm_cell: first every gate activated in place, then c_t = f c_(t-1) + i g in place at
  ;; c and h_t = o tanh(c_t) to h (job j's at c + j stride, h + j stride). Two short loops, not one
  ;; long body, so that the core overlaps the activations' long chains of several vectors at once.
  ;; @inline-calls
  (func $cells (param $g i32) (param $n i32) (param $c i32) (param $h i32) (param $stride i32)
    (local $p i32) (local $end i32) (local $v v128) (local $cv v128)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 6))))
    (local.set $p (local.get $g))
    (block $ad (loop $al
      (br_if $ad (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (v128.load (local.get $p)))
      ;; the third vector of each job, g, through tanh; i, f, o through the sigmoid
      (if (i32.eq (i32.and (local.get $p) (i32.const 48)) (i32.const 32))
        (then (local.set $v (call $tanh4 (local.get $v))))
        (else (local.set $v (call $sig4 (local.get $v)))))
      (v128.store (local.get $p) (local.get $v))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $al)))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_u (local.get $g) (local.get $end)))
      (local.set $cv (f32x4.add (f32x4.mul (v128.load offset=16 (local.get $g)) (v128.load (local.get $c)))
                                (f32x4.mul (v128.load (local.get $g)) (v128.load offset=32 (local.get $g)))))
      (v128.store (local.get $c) (local.get $cv))
      (v128.store (local.get $h) (f32x4.mul (v128.load offset=48 (local.get $g)) (call $tanh4 (local.get $cv))))
      (local.set $c (i32.add (local.get $c) (local.get $stride)))
      (local.set $h (i32.add (local.get $h) (local.get $stride)))
      (local.set $g (i32.add (local.get $g) (i32.const 64)))
      (br $bl))))

  ;; Two jobs' gate sums (the dot at r, fused or not) over kc steps: two items of one group (w0 = w1), or
  ;; one item (a0 = a1) of two groups.
  (func $dot (param $a0 i32) (param $a1 i32) (param $w0 i32) (param $w1 i32) (param $kc i32) (param $r i32) (param $fma i32)
    (if (i32.eq (local.get $w0) (local.get $w1))
      (then
        (if (local.get $fma)
          (then (call $dotI_fma (local.get $a0) (local.get $a1) (local.get $w0) (local.get $kc) (local.get $r)))
          (else (call $dotI (local.get $a0) (local.get $a1) (local.get $w0) (local.get $kc) (local.get $r)))))
      (else
        (if (local.get $fma)
          (then (call $dotG_fma (local.get $a0) (local.get $w0) (local.get $w1) (local.get $kc) (local.get $r)))
          (else (call $dotG (local.get $a0) (local.get $w0) (local.get $w1) (local.get $kc) (local.get $r)))))))

  ;; Two jobs, item r0 of group u0 and item r1 of group u1 (or the same job twice): their gate sums to
  ;; v (job 0's 64 bytes, then job 1's): b_ih + b_hh (or nothing: bias 0), then the input projection's
  ;; k-blocks of kcx (each block's sum added on as the stack's projection adds them), then the
  ;; recurrence (one block). x and hp are the step's input rows and h_(t-1) rows; r, 128 bytes of scratch.
  (func $jobs (param $r0 i32) (param $u0 i32) (param $r1 i32) (param $u1 i32)
              (param $x i32) (param $hp i32) (param $wx i32) (param $wh i32) (param $bias i32) (param $v i32) (param $r i32)
              (param $I i32) (param $H i32) (param $kcx i32) (param $fmaX i32) (param $fmaH i32)
    (local $k0 i32) (local $kc i32) (local $add i32) (local $i i32)
    (if (local.get $bias)
      (then
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $i) (i32.const 64)))
          (v128.store (i32.add (local.get $v) (local.get $i))
            (v128.load (i32.add (i32.add (local.get $bias) (i32.shl (local.get $u0) (i32.const 6))) (local.get $i))))
          (v128.store offset=64 (i32.add (local.get $v) (local.get $i))
            (v128.load (i32.add (i32.add (local.get $bias) (i32.shl (local.get $u1) (i32.const 6))) (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $l)))
        (local.set $add (i32.const 1))))
    (loop $kb
      (local.set $kc (i32.sub (local.get $I) (local.get $k0)))
      (if (i32.gt_s (local.get $kc) (local.get $kcx)) (then (local.set $kc (local.get $kcx))))
      (call $dot
        (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r0) (local.get $I)) (local.get $k0)) (i32.const 2)))
        (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r1) (local.get $I)) (local.get $k0)) (i32.const 2)))
        (i32.add (local.get $wx) (i32.shl (i32.add (i32.mul (local.get $u0) (local.get $I)) (local.get $k0)) (i32.const 6)))
        (i32.add (local.get $wx) (i32.shl (i32.add (i32.mul (local.get $u1) (local.get $I)) (local.get $k0)) (i32.const 6)))
        (local.get $kc) (local.get $r) (local.get $fmaX))
      (call $put8 (local.get $r) (local.get $v) (local.get $add))
      (local.set $add (i32.const 1))
      (br_if $kb (i32.lt_s (local.tee $k0 (i32.add (local.get $k0) (local.get $kc))) (local.get $I))))
    (call $dot
      (i32.add (local.get $hp) (i32.shl (i32.mul (local.get $r0) (local.get $H)) (i32.const 2)))
      (i32.add (local.get $hp) (i32.shl (i32.mul (local.get $r1) (local.get $H)) (i32.const 2)))
      (i32.add (local.get $wh) (i32.shl (i32.mul (local.get $u0) (local.get $H)) (i32.const 6)))
      (i32.add (local.get $wh) (i32.shl (i32.mul (local.get $u1) (local.get $H)) (i32.const 6)))
      (local.get $H) (local.get $r) (local.get $fmaH))
    (call $put8 (local.get $r) (local.get $v) (i32.const 1)))

  ;; The pass: T steps (in reverse order when rev) of B items from x (T, B, I) and h0 (B, H), c (B, H)
  ;; running in place, h_t to out (T, B, H). wx, wh: W_ih, W_hh packed by pack_gates; bias: G floats in
  ;; the packed order (0: none); s: 64 x 64 bytes of scratch, 64-byte aligned, then 128 more. A job is
  ;; one item of one unit group. Each group's items go two at a time, 64 items' gate sums before their
  ;; cells; when B is odd, its last item goes after them two groups at a time (at batch 1, every
  ;; item), an odd last group paired with itself.
  (func (export "lstm_infer")
        (param $x i32) (param $h0 i32) (param $c i32) (param $out i32) (param $wx i32) (param $wh i32)
        (param $bias i32) (param $sc i32) (param $T i32) (param $B i32) (param $I i32) (param $H i32)
        (param $kcx i32) (param $rev i32) (param $fmaX i32) (param $fmaH i32)
    (local $s i32) (local $t i32) (local $xt i32) (local $hp i32) (local $ht i32) (local $U i32) (local $raw i32)
    (local $r i32) (local $u i32) (local $u1 i32) (local $q0 i32) (local $q1 i32) (local $o i32) (local $last i32)
    (local.set $U (i32.shr_u (local.get $H) (i32.const 2)))
    (local.set $raw (i32.add (local.get $sc) (i32.const 4096)))
    (local.set $last (i32.sub (local.get $B) (i32.const 1)))
    (local.set $hp (local.get $h0))
    (block $sd (loop $sl
      (br_if $sd (i32.ge_s (local.get $s) (local.get $T)))
      (local.set $t (select (i32.sub (i32.sub (local.get $T) (i32.const 1)) (local.get $s)) (local.get $s) (local.get $rev)))
      (local.set $xt (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $I)) (i32.const 2))))
      (local.set $ht (i32.add (local.get $out) (i32.shl (i32.mul (i32.mul (local.get $t) (local.get $B)) (local.get $H)) (i32.const 2))))
      ;; group after group (a group's weights stay in L1), two items at a time, 64 items a chunk
      (local.set $u (i32.const 0))
      (block $ud (loop $ul
        (br_if $ud (i32.ge_s (local.get $u) (local.get $U)))
        (local.set $q0 (i32.const 0))
        (block $cd (loop $cl
          (br_if $cd (i32.ge_s (local.get $q0) (i32.and (local.get $B) (i32.const -2))))
          (local.set $q1 (i32.add (local.get $q0) (i32.const 64)))
          (if (i32.gt_s (local.get $q1) (i32.and (local.get $B) (i32.const -2)))
            (then (local.set $q1 (i32.and (local.get $B) (i32.const -2)))))
          (local.set $r (local.get $q0))
          (block $rd (loop $rl
            (br_if $rd (i32.ge_s (local.get $r) (local.get $q1)))
            (call $jobs (local.get $r) (local.get $u) (i32.add (local.get $r) (i32.const 1)) (local.get $u)
              (local.get $xt) (local.get $hp) (local.get $wx) (local.get $wh) (local.get $bias)
              (i32.add (local.get $sc) (i32.shl (i32.sub (local.get $r) (local.get $q0)) (i32.const 6))) (local.get $raw)
              (local.get $I) (local.get $H) (local.get $kcx) (local.get $fmaX) (local.get $fmaH))
            (local.set $r (i32.add (local.get $r) (i32.const 2)))
            (br $rl)))
          (local.set $o (i32.shl (i32.add (i32.mul (local.get $q0) (local.get $H)) (i32.shl (local.get $u) (i32.const 2))) (i32.const 2)))
          (call $cells (local.get $sc) (i32.sub (local.get $q1) (local.get $q0))
            (i32.add (local.get $c) (local.get $o)) (i32.add (local.get $ht) (local.get $o)) (i32.shl (local.get $H) (i32.const 2)))
          (local.set $q0 (local.get $q1))
          (br $cl)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $ul)))
      ;; the last item of an odd batch: two groups at a time, 64 groups a chunk
      (if (i32.and (local.get $B) (i32.const 1))
        (then
          (local.set $q0 (i32.const 0))
          (block $gd (loop $gl
            (br_if $gd (i32.ge_s (local.get $q0) (local.get $U)))
            (local.set $q1 (i32.add (local.get $q0) (i32.const 64)))
            (if (i32.gt_s (local.get $q1) (local.get $U)) (then (local.set $q1 (local.get $U))))
            (local.set $u (local.get $q0))
            (block $hd (loop $hl
              (br_if $hd (i32.ge_s (local.get $u) (local.get $q1)))
              (local.set $u1 (i32.add (local.get $u) (i32.const 1)))
              (if (i32.eq (local.get $u1) (local.get $q1)) (then (local.set $u1 (local.get $u))))
              (call $jobs (local.get $last) (local.get $u) (local.get $last) (local.get $u1)
                (local.get $xt) (local.get $hp) (local.get $wx) (local.get $wh) (local.get $bias)
                (i32.add (local.get $sc) (i32.shl (i32.sub (local.get $u) (local.get $q0)) (i32.const 6))) (local.get $raw)
                (local.get $I) (local.get $H) (local.get $kcx) (local.get $fmaX) (local.get $fmaH))
              (local.set $u (i32.add (local.get $u) (i32.const 2)))
              (br $hl)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $last) (local.get $H)) (i32.shl (local.get $q0) (i32.const 2))) (i32.const 2)))
            (call $cells (local.get $sc) (i32.sub (local.get $q1) (local.get $q0))
              (i32.add (local.get $c) (local.get $o)) (i32.add (local.get $ht) (local.get $o)) (i32.const 16))
            (local.set $q0 (local.get $q1))
            (br $gl)))))
      (local.set $hp (local.get $ht))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sl))))

;; Cross-entropy over rows of float32 logits, without class weights: the twin of crossEntropy's
;; unweighted path in cross-entropy.ts (module fields, joined with src/tensor/wasm/gemm.wat and
;; activations.wat by tools/build-wasm.mjs; test/cross-entropy-wasm.test.ts holds the two together).
;;
;; Per row: the max, e^(x - max) four classes per vector ($expneg4: x - max <= 0), their sum in float64,
;; and, when d is not 0, the softmax e / sum written to d. The loss needs sum_i (max_i - x_i[y_i]) +
;; sum_i log(sum_i); wasm has no log, so the second sum is kept as a product (each sum_i is in [1, c])
;; renormalised by 2^-512 whenever it passes 2^512, and the caller takes one log. Then d is scaled by
;; 1 / (rows counted) and 1 / (rows counted) is taken from d at each target: (softmax - onehot) / count.
;;
;; Results in the scratch bytes: [0] f64 sum of (max - x[y]), [8] f64 product, [16] f64 its
;; renormalisations, [24] f64 rows counted, [32] i32 1 when a row needs the reference (an infinite
;; max, or a NaN in the sum): the caller then runs the JavaScript path, whose rules for those rows are
;; PyTorch's. Rows whose target is `ignore` count for nothing, and their d is 0. x and d each have 16
;; bytes after their n * c floats (a row's last vector reads, and writes, up to 3 floats past it).

  (func (export "xent") (param $x i32) (param $n i32) (param $c i32) (param $y i32) (param $d i32) (param $ignore i32)
    (local $i i32) (local $j i32) (local $row i32) (local $t i32) (local $rb i32) (local $cb i32)
    (local $max f32) (local $v f32) (local $e v128) (local $acc v128) (local $sum f64)
    (local $lin f64) (local $prod f64) (local $renorm f64) (local $count f64) (local $scale v128) (local $inv v128)
    (local.set $prod (f64.const 1))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (i32.store (i32.const 32) (i32.const 0))
    (block $rows (loop $next
      (br_if $rows (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $t (i32.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $rb (i32.mul (local.get $i) (local.get $cb)))
      (local.set $row (i32.add (local.get $x) (local.get $rb)))
      (if (i32.eq (local.get $t) (local.get $ignore))
        (then
          (if (local.get $d)
            (then (memory.fill (i32.add (local.get $d) (local.get $rb)) (i32.const 0) (local.get $cb)))))
        (else
          ;; the max, skipping NaN as the JavaScript loop's > does
          (local.set $max (f32.const -inf))
          (local.set $j (i32.const 0))
          (block $m (loop $ml
            (br_if $m (i32.ge_s (local.get $j) (local.get $cb)))
            (local.set $v (f32.load (i32.add (local.get $row) (local.get $j))))
            (if (f32.gt (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $ml)))
          (if (i32.or (f32.eq (local.get $max) (f32.const inf)) (f32.eq (local.get $max) (f32.const -inf)))
            (then (i32.store (i32.const 32) (i32.const 1)) (return)))
          ;; e^(x - max), four at a time; lanes past the row's end are 0
          (local.set $acc (v128.const f64x2 0 0))
          (local.set $j (i32.const 0))
          (block $x4 (loop $xl
            (br_if $x4 (i32.ge_s (local.get $j) (local.get $cb)))
            (local.set $e (call $expneg4 (f32x4.sub (v128.load (i32.add (local.get $row) (local.get $j)))
                                                    (f32x4.splat (local.get $max)))))
            (local.set $e (v128.and (local.get $e)
              (i32x4.lt_s (i32x4.add (v128.const i32x4 0 4 8 12) (i32x4.splat (local.get $j))) (i32x4.splat (local.get $cb)))))
            (if (local.get $d) (then (v128.store (i32.add (i32.add (local.get $d) (local.get $rb)) (local.get $j)) (local.get $e))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.add (f64x2.promote_low_f32x4 (local.get $e))
                         (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $xl)))
          (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
          (if (f64.ne (local.get $sum) (local.get $sum))
            (then (i32.store (i32.const 32) (i32.const 1)) (return)))
          (local.set $prod (f64.mul (local.get $prod) (local.get $sum)))
          (if (f64.gt (local.get $prod) (f64.const 0x1p512))
            (then
              (local.set $prod (f64.mul (local.get $prod) (f64.const 0x1p-512)))
              (local.set $renorm (f64.add (local.get $renorm) (f64.const 1)))))
          (local.set $lin (f64.add (local.get $lin)
            (f64.sub (f64.promote_f32 (local.get $max))
                     (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 2))))))))
          (local.set $count (f64.add (local.get $count) (f64.const 1)))
          (if (local.get $d)
            (then
              ;; softmax = e / sum
              (local.set $inv (f32x4.splat (f32.demote_f64 (f64.div (f64.const 1) (local.get $sum)))))
              (local.set $j (i32.const 0))
              (block $s4 (loop $sl
                (br_if $s4 (i32.ge_s (local.get $j) (local.get $cb)))
                (local.set $row (i32.add (i32.add (local.get $d) (local.get $rb)) (local.get $j)))
                (v128.store (local.get $row) (f32x4.mul (v128.load (local.get $row)) (local.get $inv)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $sl)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (f64.store (i32.const 0) (local.get $lin))
    (f64.store (i32.const 8) (local.get $prod))
    (f64.store (i32.const 16) (local.get $renorm))
    (f64.store (i32.const 24) (local.get $count))
    (if (i32.eqz (local.get $d)) (then (return)))
    ;; (softmax - onehot) / count: every float of d scaled (ignored rows are 0), then the target's share
    (local.set $scale (f32x4.splat (f32.demote_f64 (f64.div (f64.const 1) (local.get $count)))))
    (local.set $j (i32.const 0))
    (local.set $cb (i32.shl (i32.mul (local.get $n) (local.get $c)) (i32.const 2)))
    (block $g4 (loop $gl
      (br_if $g4 (i32.ge_s (local.get $j) (local.get $cb)))
      (local.set $row (i32.add (local.get $d) (local.get $j)))
      (v128.store (local.get $row) (f32x4.mul (v128.load (local.get $row)) (local.get $scale)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $gl)))
    (local.set $i (i32.const 0))
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (block $o (loop $ol
      (br_if $o (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $t (i32.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2)))))
      (if (i32.ne (local.get $t) (local.get $ignore))
        (then
          (local.set $row (i32.add (i32.add (local.get $d) (i32.mul (local.get $i) (local.get $cb))) (i32.shl (local.get $t) (i32.const 2))))
          (f32.store (local.get $row) (f32.sub (f32.load (local.get $row)) (f32x4.extract_lane 0 (local.get $scale))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ol))))

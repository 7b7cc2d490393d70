;; Activations for the cell kernels, four units per vector, to float32 precision (module fields,
;; joined with gemm.wat by tools/build-wasm.mjs). The twins of tanh32, expNeg and sigmoid32 in ../activations.ts.
;; (Constants are splats of f32.const where that is smaller than a v128.const, to keep the module small.)

  ;; tanh to float32 precision: Eigen's rational fit on [-7.99, 7.99].
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

  ;; e^x for x <= 0, as expNeg in ../activations.ts (Cephes expf): x = n ln2 + r, |r| <= ln2 / 2, e^r by
  ;; a degree-7 fit, times 2^n built in the exponent bits in two halves (each a normal float32, so
  ;; that n down to -150 gives subnormals, rounded once by the last multiply).
  (func $expneg4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128) (local $k v128) (local $k1 v128)
    ;; below -104, e^x rounds to 0; max keeps a NaN
    (local.set $x (f32x4.max (local.get $x) (f32x4.splat (f32.const -104))))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r))
                                         (local.get $r)) (f32x4.splat (f32.const 1))))
    (local.set $k (i32x4.trunc_sat_f32x4_s (local.get $n)))
    (local.set $k1 (i32x4.shr_s (local.get $k) (i32.const 1)))
    (local.set $p (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (local.get $k1) (i32x4.splat (i32.const 127))) (i32.const 23))))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $k) (local.get $k1)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  ;; sigmoid from e = e^-|v|: e / (1 + e) below 0, 1 / (1 + e) above, as sigmoid32 (relative precision
  ;; down to the subnormals, where (1 + tanh(v / 2)) / 2 cancelled to a floor of 1.1e-7).
  (func $sig4 (param $v v128) (result v128)
    (local $e v128)
    (local.set $e (call $expneg4 (f32x4.neg (f32x4.abs (local.get $v)))))
    (f32x4.div (v128.bitselect (local.get $e) (f32x4.splat (f32.const 1)) (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0)))
               (f32x4.add (f32x4.splat (f32.const 1)) (local.get $e))))

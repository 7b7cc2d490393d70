;; Activations for the cell kernels, four units per vector, to float32 precision (module fields,
;; joined with gemm.wat by tools/build-wasm.mjs). The twins of tanh32, expNeg and sigmoid32 in ../activations.ts.
;; (Constants are splats of f32.const where that is smaller than a v128.const, to keep the module small.)

  ;; tanh to float32 precision: Eigen's rational fit on [-7.99, 7.99].
  (func $tanh4 (param $v v128) (result v128)
    (local $x v128) (local $x2 v128) (local $p v128) (local $q v128)
    ;; pmax(v, c) = v < c ? c : v, pmin likewise: NaN stays NaN, as min and max would keep it, in one
    ;; instruction each on x64 (min and max take seven, for NaN and -0 rules these bounds never meet)
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $v) (f32x4.splat (f32.const -7.99)))
                              (f32x4.splat (f32.const 7.99))))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p (f32x4.splat (f32.const -2.76076847742355e-16)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 2.00018790482477e-13))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const -8.60467152213735e-11))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 5.12229709037114e-8))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 1.48572235717979e-5))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 6.37261928875436e-4))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (f32x4.splat (f32.const 4.89352455891786e-3))))
    (local.set $p (f32x4.mul (local.get $p) (local.get $x)))
    (local.set $q (f32x4.splat (f32.const 1.19825839466702e-6)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (f32x4.splat (f32.const 1.18534705686654e-4))))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (f32x4.splat (f32.const 2.26843463243900e-3))))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (f32x4.splat (f32.const 4.89352518554385e-3))))
    (f32x4.div (local.get $p) (local.get $q)))

;; e^x for x <= 0, as expNeg in ../activations.ts (Cephes expf): x = n ln2 + r, |r| <= ln2 / 2, e^r by
  ;; a degree-7 fit, times 2^(n + 64) built in the exponent bits (a normal float32 for n down to -150),
  ;; then 2^-64: exact for a normal result, one rounding for a subnormal.
  (func $expneg4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    ;; below -104, e^x rounds to 0; pmax (x < -104 ? -104 : x) keeps a NaN
    (local.set $x (f32x4.pmax (local.get $x) (f32x4.splat (f32.const -104))))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (f32x4.mul
      (f32x4.mul
        (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
                   (f32x4.splat (f32.const 1)))
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 191))) (i32.const 23)))
      (f32x4.splat (f32.const 5.421010862427522e-20))))

  ;; sigmoid from e = e^-|v|: e / (1 + e) below 0 (the sign bit spread to a mask), 1 / (1 + e) above,
  ;; as sigmoid32 (relative precision down to the subnormals, where (1 + tanh(v / 2)) / 2 floored at 1.1e-7).
  (func $sig4 (param $v v128) (result v128)
    (local $e v128)
    (local.set $e (call $expneg4 (f32x4.neg (f32x4.abs (local.get $v)))))
    (f32x4.div (v128.bitselect (local.get $e) (f32x4.splat (f32.const 1)) (i32x4.shr_s (local.get $v) (i32.const 31)))
               (f32x4.add (f32x4.splat (f32.const 1)) (local.get $e))))

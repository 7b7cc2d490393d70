;; Activations for the cell kernels, four units per vector, to float32 precision (module fields,
;; joined with gemm.wat by tools/build-wasm.mjs). The twins of tanh32 and sigmoid32 in ../activations.ts.
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

  ;; sigmoid(v) = (1 + tanh(v / 2)) / 2, as sigmoid32.
  (func $sig4 (param $v v128) (result v128)
    (f32x4.add (f32x4.splat (f32.const 0.5))
      (f32x4.mul (f32x4.splat (f32.const 0.5))
        (call $tanh4 (f32x4.mul (local.get $v) (v128.const f32x4 0.5 0.5 0.5 0.5))))))

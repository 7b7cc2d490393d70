;; LSTM kernels: the element-wise half of one step, forward and backward, four units per vector, over
;; B items in the module's memory (module fields, joined with src/tensor/wasm/gemm.wat by
;; tools/build-wasm.mjs). The float32 twins of the JavaScript reference in lstm.ts (test/cells-wasm.test.ts
;; holds them together). Every row of B items is active (ragged batches take the JavaScript path), and
;; H is a multiple of 4. https://pytorch.org/docs/1.13/generated/torch.nn.LSTM.html

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


;; Elman RNN kernels: the element-wise half of one step, forward and backward, four units per vector, over
;; B items in the module's memory (module fields, joined with src/tensor/wasm/gemm.wat by
;; tools/build-wasm.mjs). The float32 twins of the JavaScript reference in rnn.ts (test/cells-wasm.test.ts
;; holds them together). Every row of B items is active (ragged batches take the JavaScript path), and
;; H is a multiple of 4. https://pytorch.org/docs/1.13/generated/torch.nn.RNN.html

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

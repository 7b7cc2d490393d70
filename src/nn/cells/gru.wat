;; GRU kernels: the element-wise half of one step, forward and backward, four units per vector, over
;; B items in the module's memory (module fields, joined with src/tensor/wasm/gemm.wat by
;; tools/build-wasm.mjs). The float32 twins of the JavaScript reference in gru.ts (test/cells-wasm.test.ts
;; holds them together). Every row of B items is active (ragged batches take the JavaScript path), and
;; H is a multiple of 4. https://pytorch.org/docs/1.13/generated/torch.nn.GRU.html

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


;; Single-precision GEMM on packed operands with 128-bit SIMD (Goto & van de Geijn 2008).
;;
;; The caller (src/kernels/wasm-matmul.ts) copies the operands into this module's memory and packs
;; them with `pack` (or packs them itself), as:
;;   A: mp×k, split into k-blocks of KC; block pc holds mp/4 micro-panels of 4 rows, each k-major
;;      (4 consecutive floats per step p), so it starts at a + 4·pc·mp bytes.
;;   B: k×np, split the same way; block pc holds np/8 micro-panels of 8 columns, each k-major
;;      (8 consecutive floats per step p), so it starts at b + 4·pc·np bytes.
;; and sgemm writes C = A·B row-major (row stride np) at c. mp is a multiple of 4, np of 8; the
;; caller zero-pads the edges, so the micro-kernel never sees a partial tile.
;;
;; Loops jc → pc → ic → jr → ir around a 4×8 register tile (8 f32x4 accumulators): a KC×8
;; micro-panel of B (8 KB) stays in L1 while the tile sweeps an MC×KC block of A (128 KB, L2).
;; f32x4.mul then f32x4.add (no fused multiply-add: relaxed SIMD is not universally available).
(module
  (memory (export "memory") 1)

  ;; C tile (4×8 at c, row stride ldc bytes) = [C tile +] (4×kc panel at pa)·(kc×8 panel at pb).
  (func $tile (param $pa i32) (param $pb i32) (param $c i32) (param $kc i32) (param $ldc i32)
    (param $accumulate i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (loop $step
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      ;; row 0: c0· += a[p,0]·b[p,0:8]
      (local.set $x (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      ;; row 1
      (local.set $x (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      ;; row 2
      (local.set $x (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      ;; row 3
      (local.set $x (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $step (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))
    ;; Later k-blocks add to the partial sums already in C; the first one overwrites.
    (if (local.get $accumulate)
      (then
        (local.set $pa (local.get $c))
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $pa))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $pa))))
        (local.set $pa (i32.add (local.get $pa) (local.get $ldc)))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $pa))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $pa))))
        (local.set $pa (i32.add (local.get $pa) (local.get $ldc)))
        (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $pa))))
        (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $pa))))
        (local.set $pa (i32.add (local.get $pa) (local.get $ldc)))
        (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $pa))))
        (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $pa))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; C (mp×np at c) = A (packed at a) · B (packed at b); k ≥ 1, mp % 4 = 0, np % 8 = 0.
  (func (export "sgemm") (param $a i32) (param $b i32) (param $c i32) (param $mp i32) (param $np i32)
    (param $k i32)
    (local $jc i32) (local $jcEnd i32) (local $pc i32) (local $kc i32) (local $ic i32)
    (local $icEnd i32) (local $jr i32) (local $ir i32) (local $ablock i32) (local $bblock i32)
    (local $ldc i32)
    (local.set $ldc (i32.shl (local.get $np) (i32.const 2)))
    (loop $jcLoop
      ;; jcEnd = min(jc + NC, np) with NC = 512 columns
      (local.set $jcEnd (i32.add (local.get $jc) (i32.const 512)))
      (if (i32.gt_u (local.get $jcEnd) (local.get $np)) (then (local.set $jcEnd (local.get $np))))
      (local.set $pc (i32.const 0))
      (loop $pcLoop
        ;; kc = min(KC, k - pc) with KC = 256
        (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
        (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
        (local.set $ablock (i32.add (local.get $a) (i32.shl (i32.mul (local.get $pc) (local.get $mp)) (i32.const 2))))
        (local.set $bblock (i32.add (local.get $b) (i32.shl (i32.mul (local.get $pc) (local.get $np)) (i32.const 2))))
        (local.set $ic (i32.const 0))
        (loop $icLoop
          ;; icEnd = min(ic + MC, mp) with MC = 128 rows
          (local.set $icEnd (i32.add (local.get $ic) (i32.const 128)))
          (if (i32.gt_u (local.get $icEnd) (local.get $mp)) (then (local.set $icEnd (local.get $mp))))
          (local.set $jr (local.get $jc))
          (loop $jrLoop
            (local.set $ir (local.get $ic))
            (loop $irLoop
              (call $tile
                (i32.add (local.get $ablock) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                (i32.add (local.get $bblock) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2)))
                (i32.add (local.get $c)
                  (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $np)) (local.get $jr)) (i32.const 2)))
                (local.get $kc)
                (local.get $ldc)
                (local.get $pc))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br_if $irLoop (i32.lt_u (local.get $ir) (local.get $icEnd))))
            (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
            (br_if $jrLoop (i32.lt_u (local.get $jr) (local.get $jcEnd))))
          (local.set $ic (local.get $icEnd))
          (br_if $icLoop (i32.lt_u (local.get $ic) (local.get $mp))))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br_if $pcLoop (i32.lt_u (local.get $pc) (local.get $k))))
      (local.set $jc (local.get $jcEnd))
      (br_if $jcLoop (i32.lt_u (local.get $jc) (local.get $np)))))

  ;; Packs the rows×k matrix at src (element (r, p) at src + 4·(r·rs + p·cs); strides in elements,
  ;; possibly negative or 0) as k-blocks of KC = 256, each a run of w-row micro-panels stored
  ;; k-major (w consecutive floats per step p), rows zero-padded to rowsPadded (a multiple of w).
  ;; A is packed with w = 4; B is packed as Bᵀ (strides swapped) with w = 8.
  (func (export "pack") (param $dst i32) (param $src i32) (param $rs i32) (param $cs i32)
    (param $rows i32) (param $rowsPadded i32) (param $k i32) (param $w i32)
    (local $pc i32) (local $kc i32) (local $r0 i32) (local $p i32) (local $i i32) (local $s i32)
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    (loop $pcLoop
      (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
      (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      (local.set $r0 (i32.const 0))
      (loop $panelLoop
        (local.set $p (i32.const 0))
        (loop $stepLoop
          ;; s = address of element (r0, pc + p)
          (local.set $s
            (i32.add (local.get $src)
              (i32.add (i32.mul (local.get $r0) (local.get $rs))
                (i32.mul (i32.add (local.get $pc) (local.get $p)) (local.get $cs)))))
          (local.set $i (i32.const 0))
          ;; A full panel whose rows are adjacent in memory (rs = 1 element): copy w floats as vectors.
          (if (i32.and (i32.eq (local.get $rs) (i32.const 4))
                (i32.le_u (i32.add (local.get $r0) (local.get $w)) (local.get $rows)))
            (then
              (loop $vectorLoop
                (v128.store (local.get $dst) (v128.load (local.get $s)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $s (i32.add (local.get $s) (i32.const 16)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br_if $vectorLoop (i32.lt_u (local.get $i) (local.get $w))))))
          (if (i32.lt_u (local.get $i) (local.get $w))
            (then
          (loop $rowLoop
            (f32.store (local.get $dst)
              (if (result f32) (i32.lt_u (i32.add (local.get $r0) (local.get $i)) (local.get $rows))
                (then (f32.load (local.get $s)))
                (else (f32.const 0))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $s (i32.add (local.get $s) (local.get $rs)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $rowLoop (i32.lt_u (local.get $i) (local.get $w))))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $stepLoop (i32.lt_u (local.get $p) (local.get $kc))))
        (local.set $r0 (i32.add (local.get $r0) (local.get $w)))
        (br_if $panelLoop (i32.lt_u (local.get $r0) (local.get $rowsPadded))))
      (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
      (br_if $pcLoop (i32.lt_u (local.get $pc) (local.get $k)))))
  ;; x[0:n] = exp(x − shift) in place; returns Σ exp(x − shift). For x − shift ≤ 0 (softmax rows):
  ;; exp(r)·2^k with k = round(t·log2 e), r = t − k·ln 2 (ln 2 split in two for accuracy) and a
  ;; degree-6 polynomial for e^r on [−ln2/2, ln2/2] (Cephes expf, ≈ 1 ulp); t is clamped to
  ;; [−87.3, 88.7] so 2^k stays a normal float.
  (func $expv (param $t v128) (result v128)
    (local $k v128) (local $r v128) (local $p v128)
    (local.set $t (f32x4.max (f32x4.splat (f32.const -87.3)) (f32x4.min (f32x4.splat (f32.const 88.7)) (local.get $t))))
    (local.set $k (f32x4.nearest (f32x4.mul (local.get $t) (f32x4.splat (f32.const 1.44269504088896341)))))
    (local.set $r (f32x4.sub (local.get $t) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375)))))
    (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    ;; e^r ≈ 1 + r + r²·p
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $p))
      (local.get $r)) (f32x4.splat (f32.const 1))))
    ;; times 2^k: add k to the exponent field
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  (func (export "expShiftSum") (param $x i32) (param $n i32) (param $shift f32) (result f32)
    (local $s v128) (local $sum v128) (local $y v128) (local $end i32) (local $total f32)
    (local $t v128) (local $k v128) (local $r v128) (local $p v128)
    (local.set $s (f32x4.splat (local.get $shift)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $vector
          ;; $expv inlined (engines without wasm inlining would pay a call per vector)
          (local.set $t (f32x4.sub (v128.load (local.get $x)) (local.get $s)))
          (local.set $t (f32x4.max (f32x4.splat (f32.const -87.3)) (f32x4.min (f32x4.splat (f32.const 88.7)) (local.get $t))))
          (local.set $k (f32x4.nearest (f32x4.mul (local.get $t) (f32x4.splat (f32.const 1.44269504088896341)))))
          (local.set $r (f32x4.sub (local.get $t) (f32x4.mul (local.get $k) (f32x4.splat (f32.const 0.693359375)))))
          (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $k) (f32x4.splat (f32.const -2.12194440e-4)))))
          (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
          (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
          (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
          (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
          (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
          (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
          ;; e^r ≈ 1 + r + r²·p
          (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $r) (local.get $r)) (local.get $p))
            (local.get $r)) (f32x4.splat (f32.const 1))))
          ;; times 2^k: add k to the exponent field
          (local.set $y (f32x4.mul (local.get $p)
            (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (i32x4.splat (i32.const 127))) (i32.const 23))))
          (v128.store (local.get $x) (local.get $y))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $y)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $vector (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $total
      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
        (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
    ;; the last n mod 4 elements, one lane at a time
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $y (call $expv (f32x4.splat (f32.sub (f32.load (local.get $x)) (local.get $shift)))))
        (f32.store (local.get $x) (f32x4.extract_lane 0 (local.get $y)))
        (local.set $total (f32.add (local.get $total) (f32x4.extract_lane 0 (local.get $y))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $scalar)))
    (local.get $total))
)

;; Single-precision GEMM on packed operands with 128-bit SIMD (Goto & van de Geijn 2008).
;;
;; The caller (src/kernels/wasm-matmul.ts) copies the operands into this module's memory and packs
;; them with `pack` (or packs them itself), as:
;;   A: mp×k, split into k-blocks of KC; block pc holds mp/4 micro-panels of 4 rows, each k-major
;;      (4 consecutive floats per step p), so it starts at a + 4·pc·mp bytes.
;;   B: k×np, split the same way; block pc holds np/8 micro-panels of 8 columns, each k-major
;;      (8 consecutive floats per step p), so it starts at b + 4·pc·np bytes.
;; and sgemm writes C = A·B row-major (row stride np) at c. mp is a multiple of 4, np of 8; the
;; caller zero-pads the edges, so the micro-kernel never sees a partial tile. sgemmRowA and
;; sgemmColA take A unpacked instead (row-major, or rows adjacent; $tileRowA, $tileColA): the same
;; multiply-adds in the same order, so the same C, without the packing pass.
;;
;; Loops jc → pc → ic → jr → ir around a 4×8 register tile (8 f32x4 accumulators): a KC×8
;; micro-panel of B (8 KB) stays in L1 while the tile sweeps an MC×KC block of A (128 KB, L2).
;; Multiply-adds are written f32x4.mul then f32x4.add, always as
;;   (f32x4.add (local.get $acc) (f32x4.mul (local.get $x) (local.get $y)))
;; so that scripts/build-wasm.mjs can also emit a relaxed-SIMD build with each one fused as
;; f32x4.relaxed_madd (FMA), which src/wasm/module-bytes.ts picks where the engine validates it.
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

  ;; As $tile with A's 4 values of step p at pa, pa + 4, pa + 8, pa + 12 and pa += sa per step:
  ;; the packed panel is sa = 16; an A whose rows are adjacent in memory (a transposed view such as
  ;; the dYᵀ of a weight gradient) is read in place with sa = its column stride. Same C as $tile.
  (func $tileColA (param $pa i32) (param $sa i32) (param $pb i32) (param $c i32) (param $kc i32)
    (param $ldc i32) (param $accumulate i32)
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
      (local.set $pa (i32.add (local.get $pa) (local.get $sa)))
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

  ;; As $tile with A read in place from 4 rows of a row-major matrix (row i's value of step p at
  ;; pa + i·lda + 4p): no packed copy of A, the same multiply-adds in the same order, so the same C.
  (func $tileRowA (param $pa i32) (param $lda i32) (param $pb i32) (param $c i32) (param $kc i32)
    (param $ldc i32) (param $accumulate i32)
    (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local.set $p1 (i32.add (local.get $pa) (local.get $lda)))
    (local.set $p2 (i32.add (local.get $p1) (local.get $lda)))
    (local.set $p3 (i32.add (local.get $p2) (local.get $lda)))
    (loop $step
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      ;; row 0: c0· += a[p,0]·b[p,0:8]
      (local.set $x (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      ;; row 1
      (local.set $x (v128.load32_splat (local.get $p1)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      ;; row 2
      (local.set $x (v128.load32_splat (local.get $p2)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      ;; row 3
      (local.set $x (v128.load32_splat (local.get $p3)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
      (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
      (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
      (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
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

  ;; As sgemm with A read in place, row-major at a with row stride lda bytes (element (i, p) at
  ;; a + i·lda + 4p). mp rows are read: the caller keeps the padding rows inside the memory, and
  ;; does not use their rows of C.
  (func (export "sgemmRowA") (param $a i32) (param $lda i32) (param $b i32) (param $c i32) (param $mp i32)
    (param $np i32) (param $k i32)
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
        (local.set $ablock (i32.add (local.get $a) (i32.shl (local.get $pc) (i32.const 2))))
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
              (call $tileRowA
                (i32.add (local.get $ablock) (i32.mul (local.get $ir) (local.get $lda)))
                (local.get $lda)
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

  ;; As sgemm with A read in place where its rows are adjacent: element (i, p) at a + 4i + p·lda
  ;; (lda: the column stride, bytes). mp rows are read: the caller keeps the padding rows inside
  ;; the memory, and does not use their rows of C.
  (func (export "sgemmColA") (param $a i32) (param $lda i32) (param $b i32) (param $c i32) (param $mp i32)
    (param $np i32) (param $k i32)
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
        (local.set $ablock (i32.add (local.get $a) (i32.mul (local.get $pc) (local.get $lda))))
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
              (call $tileColA
                (i32.add (local.get $ablock) (i32.shl (local.get $ir) (i32.const 2)))
                (local.get $lda)
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
  ;; Rows stored k-contiguous (cs = 1: a row-major A, or the Bᵀ of a transposed weight) are read
  ;; 4 steps at a time and transposed in registers, 4×4 floats per shuffle network.
  (func $pack (export "pack") (param $dst i32) (param $src i32) (param $rs i32) (param $cs i32)
    (param $rows i32) (param $rowsPadded i32) (param $k i32) (param $w i32)
    (local $pc i32) (local $kc i32) (local $r0 i32) (local $p i32) (local $i i32) (local $s i32)
    (local $g i32) (local $d i32) (local $step i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    (loop $pcLoop
      (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
      (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      (local.set $r0 (i32.const 0))
      (loop $panelLoop
        (local.set $p (i32.const 0))
        ;; A full panel of k-contiguous rows: 4 steps × 4 rows per transpose while 4 steps remain.
        (if (i32.and
              (i32.and (i32.eq (local.get $cs) (i32.const 4)) (i32.ne (local.get $rs) (i32.const 4)))
              (i32.and (i32.le_u (i32.add (local.get $r0) (local.get $w)) (local.get $rows))
                (i32.ge_u (local.get $kc) (i32.const 4))))
          (then
            (local.set $step (i32.shl (local.get $w) (i32.const 2)))
            (loop $quadLoop
              (local.set $g (i32.const 0))
              (loop $groupLoop
                ;; rows r0+g … r0+g+3, steps pc+p … pc+p+3: v_r holds row r's 4 steps
                (local.set $s
                  (i32.add (local.get $src)
                    (i32.add (i32.mul (i32.add (local.get $r0) (local.get $g)) (local.get $rs))
                      (i32.shl (i32.add (local.get $pc) (local.get $p)) (i32.const 2)))))
                (local.set $v0 (v128.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $rs)))
                (local.set $v1 (v128.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $rs)))
                (local.set $v2 (v128.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (local.get $rs)))
                (local.set $v3 (v128.load (local.get $s)))
                ;; t0 = (v0[0] v1[0] v0[1] v1[1]), t1 = (v2[0] v3[0] v2[1] v3[1]), t2, t3 the same for [2], [3]
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
                (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
                (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
                ;; step j of the 4 rows lands at dst + j·w floats + g floats
                (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $g) (i32.const 2))))
                (v128.store (local.get $d)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
                (local.set $d (i32.add (local.get $d) (local.get $step)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
                (local.set $d (i32.add (local.get $d) (local.get $step)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
                (local.set $d (i32.add (local.get $d) (local.get $step)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
                (local.set $g (i32.add (local.get $g) (i32.const 4)))
                (br_if $groupLoop (i32.lt_u (local.get $g) (local.get $w))))
              (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $step) (i32.const 2))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $quadLoop (i32.le_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc))))))
        ;; A last panel with fewer than w of them (short attention blocks): the same, rows past `rows`
        ;; transposed as zeros.
        (if (i32.and
              (i32.and (i32.eq (local.get $cs) (i32.const 4)) (i32.ne (local.get $rs) (i32.const 4)))
              (i32.and (i32.and (i32.lt_u (local.get $r0) (local.get $rows))
                  (i32.gt_u (i32.add (local.get $r0) (local.get $w)) (local.get $rows)))
                (i32.ge_u (local.get $kc) (i32.const 4))))
          (then
            (local.set $step (i32.shl (local.get $w) (i32.const 2)))
            (loop $quadLoopP
              (local.set $g (i32.const 0))
              (loop $groupLoopP
                ;; rows r0+g … r0+g+3, steps pc+p … pc+p+3: v_r holds row r's 4 steps
                (local.set $s
                  (i32.add (local.get $src)
                    (i32.add (i32.mul (i32.add (local.get $r0) (local.get $g)) (local.get $rs))
                      (i32.shl (i32.add (local.get $pc) (local.get $p)) (i32.const 2)))))
                ;; i of this group's 4 rows exist (none when i ≤ 0), the others are zeros
                (local.set $i (i32.sub (local.get $rows) (i32.add (local.get $r0) (local.get $g))))
                (local.set $v0 (v128.const i32x4 0 0 0 0))
                (local.set $v1 (v128.const i32x4 0 0 0 0))
                (local.set $v2 (v128.const i32x4 0 0 0 0))
                (local.set $v3 (v128.const i32x4 0 0 0 0))
                (if (i32.gt_s (local.get $i) (i32.const 0)) (then
                  (local.set $v0 (v128.load (local.get $s)))
                  (if (i32.gt_s (local.get $i) (i32.const 1)) (then
                    (local.set $v1 (v128.load (i32.add (local.get $s) (local.get $rs))))
                    (if (i32.gt_s (local.get $i) (i32.const 2)) (then
                      (local.set $v2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $rs) (i32.const 1)))))
                      (if (i32.gt_s (local.get $i) (i32.const 3)) (then
                        (local.set $v3
                          (v128.load (i32.add (local.get $s) (i32.mul (local.get $rs) (i32.const 3)))))))))))))
                ;; t0 = (v0[0] v1[0] v0[1] v1[1]), t1 = (v2[0] v3[0] v2[1] v3[1]), t2, t3 the same for [2], [3]
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
                (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
                (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
                ;; step j of the 4 rows lands at dst + j·w floats + g floats
                (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $g) (i32.const 2))))
                (v128.store (local.get $d)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
                (local.set $d (i32.add (local.get $d) (local.get $step)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
                (local.set $d (i32.add (local.get $d) (local.get $step)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
                (local.set $d (i32.add (local.get $d) (local.get $step)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
                (local.set $g (i32.add (local.get $g) (i32.const 4)))
                (br_if $groupLoopP (i32.lt_u (local.get $g) (local.get $w))))
              (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $step) (i32.const 2))))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br_if $quadLoopP (i32.le_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc))))))
        (if (i32.lt_u (local.get $p) (local.get $kc)) (then
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
          (br_if $stepLoop (i32.lt_u (local.get $p) (local.get $kc))))))
        (local.set $r0 (i32.add (local.get $r0) (local.get $w)))
        (br_if $panelLoop (i32.lt_u (local.get $r0) (local.get $rowsPadded))))
      (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
      (br_if $pcLoop (i32.lt_u (local.get $pc) (local.get $k)))))
  ;; x[0:n] = exp(x − shift) in place; returns Σ exp(x − shift). For x − shift ≤ 0 (softmax rows):
  ;; exp(r)·2^k with k = round(t·log2 e), r = t − k·ln 2 (ln 2 split in two for accuracy) and a
  ;; degree-6 polynomial for e^r on [−ln2/2, ln2/2] (Cephes expf, ≈ 1 ulp); t is clamped to
  ;; [−87.3, 88.7] so 2^k stays a normal float (with pmin/pmax, single instructions on x64, ordered
  ;; so that a NaN passes through). k comes from m = t·log2 e + 1.5·2^23: the add rounds to an
  ;; integer (ties to even, as f32x4.nearest), k = m − 1.5·2^23 exactly, and m's low mantissa bits
  ;; hold k, so 2^k's bits are (bits(m) − bits(1.5·2^23) + 127) << 23 with no float-to-int
  ;; conversion (i32x4.trunc_sat_f32x4_s is about eight instructions on x64 before AVX-512).
  (func $expv (param $t v128) (result v128)
    (local $m v128) (local $k v128) (local $r v128) (local $p v128)
    (local.set $t (f32x4.pmax (f32x4.pmin (local.get $t) (f32x4.splat (f32.const 88.7))) (f32x4.splat (f32.const -87.3))))
    (local.set $m (f32x4.add (f32x4.mul (local.get $t) (f32x4.splat (f32.const 1.44269504088896341)))
      (f32x4.splat (f32.const 12582912))))
    (local.set $k (f32x4.sub (local.get $m) (f32x4.splat (f32.const 12582912))))
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
      (i32x4.shl (i32x4.add (local.get $m) (i32x4.splat (i32.const -1262485377))) (i32.const 23))))

  (func $expShiftSum (export "expShiftSum") (param $x i32) (param $n i32) (param $shift f32) (result f32)
    (local $s v128) (local $sum v128) (local $y v128) (local $end i32) (local $total f32)
    (local $t v128) (local $m v128) (local $k v128) (local $r v128) (local $p v128)
    (local.set $s (f32x4.splat (local.get $shift)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $vector
          ;; $expv inlined (engines without wasm inlining would pay a call per vector)
          (local.set $t (f32x4.sub (v128.load (local.get $x)) (local.get $s)))
          (local.set $t (f32x4.pmax (f32x4.pmin (local.get $t) (f32x4.splat (f32.const 88.7))) (f32x4.splat (f32.const -87.3))))
          (local.set $m (f32x4.add (f32x4.mul (local.get $t) (f32x4.splat (f32.const 1.44269504088896341)))
      (f32x4.splat (f32.const 12582912))))
    (local.set $k (f32x4.sub (local.get $m) (f32x4.splat (f32.const 12582912))))
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
            (i32x4.shl (i32x4.add (local.get $m) (i32x4.splat (i32.const -1262485377))) (i32.const 23))))
          (v128.store (local.get $x) (local.get $y))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $y)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (br_if $vector (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $total
      (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
        (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
    ;; the last n mod 4 elements: one vector exp over the 4 floats at x when they lie inside the
    ;; memory (lanes past n are computed and dropped; only lanes below n are stored), else one lane
    ;; at a time. Lane-wise it is the same $expv, and the lanes are added in order: the same bits.
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (if (i32.and (i32.lt_u (local.get $x) (local.get $end))
          (i32.lt_u (i32.shr_u (i32.add (local.get $x) (i32.const 15)) (i32.const 16)) (memory.size)))
      (then
        (local.set $y (call $expv (f32x4.sub (v128.load (local.get $x)) (local.get $s))))
        (f32.store (local.get $x) (f32x4.extract_lane 0 (local.get $y)))
        (local.set $total (f32.add (local.get $total) (f32x4.extract_lane 0 (local.get $y))))
        (if (i32.gt_u (i32.sub (local.get $end) (local.get $x)) (i32.const 4))
          (then
            (f32.store offset=4 (local.get $x) (f32x4.extract_lane 1 (local.get $y)))
            (local.set $total (f32.add (local.get $total) (f32x4.extract_lane 1 (local.get $y))))))
        (if (i32.gt_u (i32.sub (local.get $end) (local.get $x)) (i32.const 8))
          (then
            (f32.store offset=8 (local.get $x) (f32x4.extract_lane 2 (local.get $y)))
            (local.set $total (f32.add (local.get $total) (f32x4.extract_lane 2 (local.get $y))))))
        (local.set $x (local.get $end))))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $y (call $expv (f32x4.splat (f32.sub (f32.load (local.get $x)) (local.get $shift)))))
        (f32.store (local.get $x) (f32x4.extract_lane 0 (local.get $y)))
        (local.set $total (f32.add (local.get $total) (f32x4.extract_lane 0 (local.get $y))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $scalar)))
    (local.get $total))
;; ---------------------------------------------------------------------------------------------
;; Fused attention (FlashAttention, Dao et al. 2022) for one (queries × keys) problem whose operands
;; src/kernels/flash-attention.ts has laid out in this memory once per problem. Query blocks of
;; BR = 64 rows meet key blocks of BC = 64 keys; the score tile S (BR×BC, row stride BC = 256
;; bytes) never leaves this memory. Layouts (byte addresses, floats):
;;   panels4(X): rows in 4-row micro-panels, each stored column-major over the row's length
;;     (4 consecutive floats per column), rows zero-padded to a multiple of 4;
;;   panels8(X): the same with 8-row panels (rows zero-padded to a multiple of 8);
;;   rows(X): row-major with the row length zero-padded to a multiple of 8.
;; lim holds each query row's visible key count (i32, 0 for padding rows).

  ;; 4×8 tile: C (at c, row stride ldc bytes) = C + Σ_{p<n} A(:,p)·B(p,:) if accumulate, else
  ;; scale·Σ_{p<n} A(:,p)·B(p,:), where A's 4 values of step p are at a, a+4, a+8, a+12 (a += sa
  ;; per step) and B's 8 at b, b+16 (b += sb). n ≥ 1.
  (func $mk (param $a i32) (param $sa i32) (param $b i32) (param $sb i32) (param $c i32)
    (param $ldc i32) (param $n i32) (param $accumulate i32) (param $scale f32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (loop $step
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=4 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=8 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=12 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (local.get $sa)))
      (local.set $b (i32.add (local.get $b) (local.get $sb)))
      (br_if $step (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (if (local.get $accumulate)
      (then
        (local.set $a (local.get $c))
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $a))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $ldc)))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $a))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $ldc)))
        (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $a))))
        (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $ldc)))
        (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $a))))
        (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $a)))))
      (else
        (local.set $x (f32x4.splat (local.get $scale)))
        (local.set $c00 (f32x4.mul (local.get $c00) (local.get $x)))
        (local.set $c01 (f32x4.mul (local.get $c01) (local.get $x)))
        (local.set $c10 (f32x4.mul (local.get $c10) (local.get $x)))
        (local.set $c11 (f32x4.mul (local.get $c11) (local.get $x)))
        (local.set $c20 (f32x4.mul (local.get $c20) (local.get $x)))
        (local.set $c21 (f32x4.mul (local.get $c21) (local.get $x)))
        (local.set $c30 (f32x4.mul (local.get $c30) (local.get $x)))
        (local.set $c31 (f32x4.mul (local.get $c31) (local.get $x)))))
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

  ;; As $mk with A read from 4 rows of a score tile: A's values of step p at a, a+256, a+512,
  ;; a+768 (row stride BC·4 bytes), a += 4 per step; always accumulates into C.
  (func $mkr (param $a i32) (param $b i32) (param $sb i32) (param $c i32) (param $ldc i32)
    (param $n i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (loop $step
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=256 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=512 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=768 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (local.get $sb)))
      (br_if $step (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (if (i32.const 1)
      (then
        (local.set $a (local.get $c))
        (local.set $c00 (f32x4.add (local.get $c00) (v128.load (local.get $a))))
        (local.set $c01 (f32x4.add (local.get $c01) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $ldc)))
        (local.set $c10 (f32x4.add (local.get $c10) (v128.load (local.get $a))))
        (local.set $c11 (f32x4.add (local.get $c11) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $ldc)))
        (local.set $c20 (f32x4.add (local.get $c20) (v128.load (local.get $a))))
        (local.set $c21 (f32x4.add (local.get $c21) (v128.load offset=16 (local.get $a))))
        (local.set $a (i32.add (local.get $a) (local.get $ldc)))
        (local.set $c30 (f32x4.add (local.get $c30) (v128.load (local.get $a))))
        (local.set $c31 (f32x4.add (local.get $c31) (v128.load offset=16 (local.get $a))))))
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

  ;; The largest of the 4 i32 at p, p+4, p+8, p+12 (the key limit of a 4-row group).
  (func $lim4 (param $p i32) (result i32)
    (local $a i32) (local $b i32)
    (local.set $a (i32.load (local.get $p)))
    (local.set $b (i32.load offset=4 (local.get $p)))
    (local.set $a (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))
    (local.set $b (i32.load offset=8 (local.get $p)))
    (local.set $a (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))
    (local.set $b (i32.load offset=12 (local.get $p)))
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))

  ;; max(x[0:n]) (−∞ for n = 0).
  (func $rowMax (param $x i32) (param $n i32) (result f32)
    (local $end i32) (local $v v128) (local $m f32)
    (local.set $v (f32x4.splat (f32.const -inf)))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (f32x4.pmax (local.get $v) (v128.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vector)))
    (local.set $m
      (f32.max (f32.max (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
        (f32.max (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done2
      (loop $scalar
        (br_if $done2 (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $m (f32.max (local.get $m) (f32.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $scalar)))
    (local.get $m))

  ;; x[0:n] ·= f, n a multiple of 4.
  (func $scaleRow (param $x i32) (param $n i32) (param $f f32)
    (local $end i32) (local $v v128)
    (local.set $v (f32x4.splat (local.get $f)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $x) (f32x4.mul (local.get $v) (v128.load (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $vector))))

  ;; x[from:to] = 0.
  (func $zero (param $x i32) (param $from i32) (param $to i32)
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_s (local.get $from) (local.get $to)))
        (f32.store (i32.add (local.get $x) (i32.shl (local.get $from) (i32.const 2))) (f32.const 0))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $scalar))))

  ;; Visible keys of query row at lim (i32) in the key block starting at j0 of bc keys: in [0, bc].
  (func $visible (param $lim i32) (param $j0 i32) (param $bc i32) (result i32)
    (local $n i32)
    (local.set $n (i32.sub (i32.load (local.get $lim)) (local.get $j0)))
    (if (i32.lt_s (local.get $n) (i32.const 0)) (then (local.set $n (i32.const 0))))
    (select (local.get $bc) (local.get $n) (i32.gt_s (local.get $n) (local.get $bc))))

  ;; S (at s) = scale · Q block (panels4 at qa, br rows) · K block (panels8 at ka, bc keys)ᵀ over depth d,
  ;; skipping 4×8 tiles whose keys every one of the 4 rows' limits (at lim) excludes.
  (func $scores (param $qa i32) (param $ka i32) (param $s i32) (param $lim i32) (param $j0 i32)
    (param $br i32) (param $bc i32) (param $d i32) (param $scale f32)
    (local $jr i32) (local $ir i32)
    (loop $jrLoop
      (local.set $ir (i32.const 0))
      (loop $irLoop
        (if (i32.lt_s (i32.add (local.get $j0) (local.get $jr))
              (call $lim4 (i32.add (local.get $lim) (i32.shl (local.get $ir) (i32.const 2)))))
          (then
            (call $mk
              (i32.add (local.get $qa) (i32.shl (i32.mul (local.get $ir) (local.get $d)) (i32.const 2)))
              (i32.const 16)
              (i32.add (local.get $ka) (i32.shl (i32.mul (local.get $jr) (local.get $d)) (i32.const 2)))
              (i32.const 32)
              (i32.add (local.get $s) (i32.shl (i32.add (i32.shl (local.get $ir) (i32.const 6)) (local.get $jr)) (i32.const 2)))
              (i32.const 256) (local.get $d) (i32.const 0) (local.get $scale))))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br_if $irLoop (i32.lt_u (local.get $ir) (local.get $br))))
      (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
      (br_if $jrLoop (i32.lt_u (local.get $jr) (local.get $bc)))))

  ;; Forward of one problem (Algorithm 1): qp = panels4(Q) (lqp rows, depth d), kp =
  ;; panels8(K), vr = rows(V) (row length dvp), o = rows(O) zeroed by the caller, m (−∞) and l (0)
  ;; per query row. Leaves o = softmax(S)·V with S = scale·QKᵀ masked (rows with l = 0 stay 0),
  ;; m = row max of S and l = Σ exp(s − m), so lse = m + log l.
  (func $flashForward (export "flashForward") (param $qp i32) (param $kp i32) (param $vr i32) (param $o i32)
    (param $m i32) (param $l i32) (param $lim i32) (param $s i32) (param $lqp i32) (param $d i32)
    (param $dvp i32) (param $scale f32)
    (local $i0 i32) (local $br i32) (local $tl i32) (local $r i32) (local $j0 i32) (local $bc i32)
    (local $ir i32) (local $gl i32) (local $n i32) (local $row i32) (local $c i32) (local $ldo i32)
    (local $mold f32) (local $mnew f32) (local $alpha f32) (local $sum f32) (local $lrow i32)
    (local.set $ldo (i32.shl (local.get $dvp) (i32.const 2)))
    (loop $iLoop
      (local.set $br (i32.sub (local.get $lqp) (local.get $i0)))
      (if (i32.gt_u (local.get $br) (i32.const 64)) (then (local.set $br (i32.const 64))))
      (local.set $lrow (i32.add (local.get $lim) (i32.shl (local.get $i0) (i32.const 2))))
      ;; tl = the largest key limit of the block
      (local.set $tl (i32.const 0))
      (local.set $r (i32.const 0))
      (loop $tlLoop
        (local.set $n (i32.load (i32.add (local.get $lrow) (i32.shl (local.get $r) (i32.const 2)))))
        (if (i32.gt_s (local.get $n) (local.get $tl)) (then (local.set $tl (local.get $n))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $tlLoop (i32.lt_u (local.get $r) (local.get $br))))
      (local.set $j0 (i32.const 0))
      (block $jDone
        (loop $jLoop
          (br_if $jDone (i32.ge_s (local.get $j0) (local.get $tl)))
          (local.set $bc (i32.sub (local.get $tl) (local.get $j0)))
          (if (i32.gt_s (local.get $bc) (i32.const 64)) (then (local.set $bc (i32.const 64))))
          (call $scores
            (i32.add (local.get $qp) (i32.shl (i32.mul (local.get $i0) (local.get $d)) (i32.const 2)))
            (i32.add (local.get $kp) (i32.shl (i32.mul (local.get $j0) (local.get $d)) (i32.const 2)))
            (local.get $s) (local.get $lrow) (local.get $j0) (local.get $br) (local.get $bc) (local.get $d)
            (local.get $scale))
          ;; online softmax, row by row (Algorithm 1, lines 10–11)
          (local.set $r (i32.const 0))
          (loop $rLoop
            (local.set $row (i32.add (local.get $s) (i32.shl (local.get $r) (i32.const 8))))
            (local.set $n (call $visible (i32.add (local.get $lrow) (i32.shl (local.get $r) (i32.const 2)))
              (local.get $j0) (local.get $bc)))
            (if (i32.gt_s (local.get $n) (i32.const 0))
              (then
                (local.set $c (i32.shl (i32.add (local.get $i0) (local.get $r)) (i32.const 2)))
                (local.set $mold (f32.load (i32.add (local.get $m) (local.get $c))))
                (local.set $mnew (f32.max (local.get $mold) (call $rowMax (local.get $row) (local.get $n))))
                (local.set $sum (call $expShiftSum (local.get $row) (local.get $n) (local.get $mnew)))
                (local.set $alpha (f32x4.extract_lane 0
                  (call $expv (f32x4.splat (f32.sub (local.get $mold) (local.get $mnew))))))
                (f32.store (i32.add (local.get $l) (local.get $c))
                  (f32.add (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $l) (local.get $c))))
                    (local.get $sum)))
                (f32.store (i32.add (local.get $m) (local.get $c)) (local.get $mnew))
                (if (f32.ne (local.get $alpha) (f32.const 1))
                  (then
                    (call $scaleRow
                      (i32.add (local.get $o) (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $ldo)))
                      (local.get $dvp) (local.get $alpha))))))
            (call $zero (local.get $row) (local.get $n) (local.get $bc))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br_if $rLoop (i32.lt_u (local.get $r) (local.get $br))))
          ;; O block += P·V block, each 4-row group over the keys its rows see
          (local.set $ir (i32.const 0))
          (loop $pvLoop
            (local.set $gl (i32.sub (call $lim4 (i32.add (local.get $lrow) (i32.shl (local.get $ir) (i32.const 2))))
              (local.get $j0)))
            (if (i32.gt_s (local.get $gl) (local.get $bc)) (then (local.set $gl (local.get $bc))))
            (if (i32.gt_s (local.get $gl) (i32.const 0))
              (then
                (local.set $c (i32.const 0))
                (loop $cLoop
                  (call $mkr
                    (i32.add (local.get $s) (i32.shl (local.get $ir) (i32.const 8)))
                    (i32.add (local.get $vr) (i32.shl (i32.add (i32.mul (local.get $j0) (local.get $dvp)) (local.get $c)) (i32.const 2)))
                    (local.get $ldo)
                    (i32.add (local.get $o) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $ir)) (local.get $dvp)) (local.get $c)) (i32.const 2)))
                    (local.get $ldo) (local.get $gl))
                  (local.set $c (i32.add (local.get $c) (i32.const 8)))
                  (br_if $cLoop (i32.lt_u (local.get $c) (local.get $dvp))))))
            (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
            (br_if $pvLoop (i32.lt_u (local.get $ir) (local.get $br))))
          (local.set $j0 (i32.add (local.get $j0) (i32.const 64)))
          (br $jLoop)))
      ;; O = acc / l (line 12)
      (local.set $r (i32.const 0))
      (loop $nLoop
        (local.set $sum (f32.load (i32.add (local.get $l) (i32.shl (i32.add (local.get $i0) (local.get $r)) (i32.const 2)))))
        (if (f32.gt (local.get $sum) (f32.const 0))
          (then
            (call $scaleRow
              (i32.add (local.get $o) (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $ldo)))
              (local.get $dvp) (f32.div (f32.const 1) (local.get $sum)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $nLoop (i32.lt_u (local.get $r) (local.get $br))))
      (local.set $i0 (i32.add (local.get $i0) (i32.const 64)))
      (br_if $iLoop (i32.lt_u (local.get $i0) (local.get $lqp)))))

  ;; dS = scale·P ∘ (dP − D) over br rows × n4 columns (n4 a multiple of 4) of the tiles at s (P)
  ;; and t (dP, overwritten by dS), D per row at dd.
  (func $dsoft (param $s i32) (param $t i32) (param $dd i32) (param $br i32) (param $n4 i32)
    (param $scale f32)
    (local $r i32) (local $j i32) (local $dv v128) (local $sv v128) (local $p i32)
    (local.set $sv (f32x4.splat (local.get $scale)))
    (loop $rLoop
      (local.set $dv (v128.load32_splat (i32.add (local.get $dd) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $j (i32.const 0))
      (block $done
        (loop $jLoop
          (br_if $done (i32.ge_u (local.get $j) (local.get $n4)))
          (local.set $p (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 6)) (local.get $j)) (i32.const 2)))
          (v128.store (i32.add (local.get $t) (local.get $p))
            (f32x4.mul (f32x4.mul (local.get $sv) (v128.load (i32.add (local.get $s) (local.get $p))))
              (f32x4.sub (v128.load (i32.add (local.get $t) (local.get $p))) (local.get $dv))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $jLoop)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rLoop (i32.lt_u (local.get $r) (local.get $br)))))

  ;; C rows (at c, row length w floats, row stride = w) += tile columns [0, n4)ᵀ · B (br rows of
  ;; length w at b): for each 4-key group jr and 8 columns, a 4×8 tile over the br rows.
  (func $accT (param $tile i32) (param $b i32) (param $c i32) (param $br i32) (param $n4 i32)
    (param $w i32)
    (local $jr i32) (local $col i32) (local $ld i32)
    (local.set $ld (i32.shl (local.get $w) (i32.const 2)))
    (block $done
      (loop $jrLoop
        (br_if $done (i32.ge_u (local.get $jr) (local.get $n4)))
        (local.set $col (i32.const 0))
        (loop $cLoop
          (call $mk
            (i32.add (local.get $tile) (i32.shl (local.get $jr) (i32.const 2))) (i32.const 256)
            (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))) (local.get $ld)
            (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $jr) (local.get $w)) (local.get $col)) (i32.const 2)))
            (local.get $ld) (local.get $br) (i32.const 1) (f32.const 1))
          (local.set $col (i32.add (local.get $col) (i32.const 8)))
          (br_if $cLoop (i32.lt_u (local.get $col) (local.get $w))))
        (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
        (br $jrLoop))))

  ;; Backward of one problem (Algorithm 2): qp = panels4(Q), qr = rows(Q) (length dp), kp =
  ;; panels8(K), kr = rows(K), vp = panels8(V) (depth dvd), dop = panels4(dO), dor = rows(dO)
  ;; (length dvp), lse and D = rowsum(dO∘O) per query row, s and t two score tiles (zeroed by the
  ;; caller), dq, dk, dv = rows(dQ), rows(dK), rows(dV) zeroed by the caller.
  (func $flashBackward (export "flashBackward") (param $qp i32) (param $qr i32) (param $kp i32) (param $kr i32)
    (param $vp i32) (param $dop i32) (param $dor i32) (param $lse i32) (param $dd i32)
    (param $lim i32) (param $s i32) (param $t i32) (param $dq i32) (param $dk i32) (param $dv i32)
    (param $lqp i32) (param $lk i32) (param $d i32) (param $dp i32) (param $dvd i32) (param $dvp i32)
    (param $scale f32)
    (local $i0 i32) (local $br i32) (local $tl i32) (local $r i32) (local $j0 i32) (local $bc i32)
    (local $bc4 i32) (local $ir i32) (local $gl i32) (local $n i32) (local $row i32) (local $c i32)
    (local $lrow i32) (local $ldq i32)
    (local.set $ldq (i32.shl (local.get $dp) (i32.const 2)))
    (loop $jLoop
      (local.set $i0 (i32.const 0))
      (loop $iLoop
        (local.set $br (i32.sub (local.get $lqp) (local.get $i0)))
        (if (i32.gt_u (local.get $br) (i32.const 64)) (then (local.set $br (i32.const 64))))
        (local.set $lrow (i32.add (local.get $lim) (i32.shl (local.get $i0) (i32.const 2))))
        (local.set $tl (i32.const 0))
        (local.set $r (i32.const 0))
        (loop $tlLoop
          (local.set $n (i32.load (i32.add (local.get $lrow) (i32.shl (local.get $r) (i32.const 2)))))
          (if (i32.gt_s (local.get $n) (local.get $tl)) (then (local.set $tl (local.get $n))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $tlLoop (i32.lt_u (local.get $r) (local.get $br))))
        (if (i32.gt_s (local.get $tl) (local.get $j0))
          (then
            (local.set $bc (i32.sub (local.get $tl) (local.get $j0)))
            (if (i32.gt_s (local.get $bc) (i32.const 64)) (then (local.set $bc (i32.const 64))))
            (local.set $bc4 (i32.and (i32.add (local.get $bc) (i32.const 3)) (i32.const -4)))
            ;; P = exp(S − lse), zero where masked (line 13)
            (call $scores
              (i32.add (local.get $qp) (i32.shl (i32.mul (local.get $i0) (local.get $d)) (i32.const 2)))
              (i32.add (local.get $kp) (i32.shl (i32.mul (local.get $j0) (local.get $d)) (i32.const 2)))
              (local.get $s) (local.get $lrow) (local.get $j0) (local.get $br) (local.get $bc) (local.get $d)
            (local.get $scale))
            (local.set $r (i32.const 0))
            (loop $rLoop
              (local.set $row (i32.add (local.get $s) (i32.shl (local.get $r) (i32.const 8))))
              (local.set $n (call $visible (i32.add (local.get $lrow) (i32.shl (local.get $r) (i32.const 2)))
                (local.get $j0) (local.get $bc)))
              (if (i32.gt_s (local.get $n) (i32.const 0))
                (then
                  (drop (call $expShiftSum (local.get $row) (local.get $n)
                    (f32.load (i32.add (local.get $lse) (i32.shl (i32.add (local.get $i0) (local.get $r)) (i32.const 2))))))))
              (call $zero (local.get $row) (local.get $n) (local.get $bc4))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $rLoop (i32.lt_u (local.get $r) (local.get $br))))
            ;; dV_j += Pᵀ·dO_i (line 16)
            (call $accT (local.get $s)
              (i32.add (local.get $dor) (i32.shl (i32.mul (local.get $i0) (local.get $dvp)) (i32.const 2)))
              (i32.add (local.get $dv) (i32.shl (i32.mul (local.get $j0) (local.get $dvp)) (i32.const 2)))
              (local.get $br) (local.get $bc4) (local.get $dvp))
            ;; dP = dO_i·V_jᵀ (line 17), then dS = scale·P ∘ (dP − D) (line 19)
            (call $scores
              (i32.add (local.get $dop) (i32.shl (i32.mul (local.get $i0) (local.get $dvd)) (i32.const 2)))
              (i32.add (local.get $vp) (i32.shl (i32.mul (local.get $j0) (local.get $dvd)) (i32.const 2)))
              (local.get $t) (local.get $lrow) (local.get $j0) (local.get $br) (local.get $bc) (local.get $dvd)
              (f32.const 1))
            (call $dsoft (local.get $s) (local.get $t)
              (i32.add (local.get $dd) (i32.shl (local.get $i0) (i32.const 2))) (local.get $br) (local.get $bc4)
              (local.get $scale))
            ;; dQ_i += dS·K_j (line 20)
            (local.set $ir (i32.const 0))
            (loop $qLoop
              (local.set $gl (i32.sub (call $lim4 (i32.add (local.get $lrow) (i32.shl (local.get $ir) (i32.const 2))))
                (local.get $j0)))
              (if (i32.gt_s (local.get $gl) (local.get $bc)) (then (local.set $gl (local.get $bc))))
              (if (i32.gt_s (local.get $gl) (i32.const 0))
                (then
                  (local.set $c (i32.const 0))
                  (loop $cLoop
                    (call $mkr
                      (i32.add (local.get $t) (i32.shl (local.get $ir) (i32.const 8)))
                      (i32.add (local.get $kr) (i32.shl (i32.add (i32.mul (local.get $j0) (local.get $dp)) (local.get $c)) (i32.const 2)))
                      (local.get $ldq)
                      (i32.add (local.get $dq) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $ir)) (local.get $dp)) (local.get $c)) (i32.const 2)))
                      (local.get $ldq) (local.get $gl))
                    (local.set $c (i32.add (local.get $c) (i32.const 8)))
                    (br_if $cLoop (i32.lt_u (local.get $c) (local.get $dp))))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br_if $qLoop (i32.lt_u (local.get $ir) (local.get $br))))
            ;; dK_j += dSᵀ·Q_i (line 21)
            (call $accT (local.get $t)
              (i32.add (local.get $qr) (i32.shl (i32.mul (local.get $i0) (local.get $dp)) (i32.const 2)))
              (i32.add (local.get $dk) (i32.shl (i32.mul (local.get $j0) (local.get $dp)) (i32.const 2)))
              (local.get $br) (local.get $bc4) (local.get $dp))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 64)))
        (br_if $iLoop (i32.lt_u (local.get $i0) (local.get $lqp))))
      (local.set $j0 (i32.add (local.get $j0) (i32.const 64)))
      (br_if $jLoop (i32.lt_u (local.get $j0) (local.get $lk)))))

  ;; ---- s5-bench ----
  ;; `pack` (same layout, same arguments but rs) for a rows×k matrix whose rows are adjacent in
  ;; memory: element (r, p) at src + 4·(r + p·cs), i.e. a transposed view such as the dYᵀ of a
  ;; weight gradient, or the Bᵀ of a row-major B. `pack` walks all k steps once per w-row panel,
  ;; reading 4w bytes of each 64-byte line per pass; this packs 16 rows (4 panels of w = 4, or 2 of
  ;; w = 8) per pass, so every line of the source is read once per k-step. Rows past the last full
  ;; group of 16 are packed panel by panel, zero-padded to rowsPadded (a multiple of w).
  (func (export "packAdjacent") (param $dst i32) (param $src i32) (param $cs i32)
    (param $rows i32) (param $rowsPadded i32) (param $k i32) (param $w i32)
    (local $pc i32) (local $kc i32) (local $r0 i32) (local $p i32) (local $i i32) (local $s i32)
    (local $block i32) (local $step i32) (local $panel i32)
    (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    ;; bytes per k-step within a panel, and per panel (w floats × kc steps) below
    (local.set $step (i32.shl (local.get $w) (i32.const 2)))
    (loop $pcLoop
      (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
      (if (i32.gt_u (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
      ;; block pc starts at dst + 4·pc·rowsPadded; panel r0 of it at + 4·r0·kc
      (local.set $block
        (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $pc) (local.get $rowsPadded)) (i32.const 2))))
      (local.set $panel (i32.mul (local.get $step) (local.get $kc)))
      (local.set $r0 (i32.const 0))
      ;; Full groups of 16 rows: chunk j (rows r0+4j … r0+4j+3) goes to panel 4j / w, lane 4j % w.
      (if (i32.le_u (i32.const 16) (local.get $rows)) (then
      (loop $groupLoop
        (local.set $d0 (i32.add (local.get $block) (i32.shl (i32.mul (local.get $r0) (local.get $kc)) (i32.const 2))))
        (if (i32.eq (local.get $w) (i32.const 4))
          (then
            (local.set $d1 (i32.add (local.get $d0) (local.get $panel)))
            (local.set $d2 (i32.add (local.get $d1) (local.get $panel)))
            (local.set $d3 (i32.add (local.get $d2) (local.get $panel))))
          (else
            (local.set $d1 (i32.add (local.get $d0) (i32.const 16)))
            (local.set $d2 (i32.add (local.get $d0) (local.get $panel)))
            (local.set $d3 (i32.add (local.get $d2) (i32.const 16)))))
        (local.set $s
          (i32.add (local.get $src)
            (i32.add (i32.shl (local.get $r0) (i32.const 2)) (i32.mul (local.get $pc) (local.get $cs)))))
        (local.set $p (local.get $kc))
        (loop $stepLoop
          (v128.store (local.get $d0) (v128.load (local.get $s)))
          (v128.store (local.get $d1) (v128.load offset=16 (local.get $s)))
          (v128.store (local.get $d2) (v128.load offset=32 (local.get $s)))
          (v128.store (local.get $d3) (v128.load offset=48 (local.get $s)))
          (local.set $s (i32.add (local.get $s) (local.get $cs)))
          (local.set $d0 (i32.add (local.get $d0) (local.get $step)))
          (local.set $d1 (i32.add (local.get $d1) (local.get $step)))
          (local.set $d2 (i32.add (local.get $d2) (local.get $step)))
          (local.set $d3 (i32.add (local.get $d3) (local.get $step)))
          (br_if $stepLoop (local.tee $p (i32.sub (local.get $p) (i32.const 1)))))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
        (br_if $groupLoop (i32.le_u (i32.add (local.get $r0) (i32.const 16)) (local.get $rows))))))
      ;; The remaining panels, w rows each, zero past `rows`.
      (if (i32.lt_u (local.get $r0) (local.get $rowsPadded)) (then
      (local.set $d0 (i32.add (local.get $block) (i32.shl (i32.mul (local.get $r0) (local.get $kc)) (i32.const 2))))
      (loop $panelLoop
        (local.set $p (i32.const 0))
        (loop $tailStep
          (local.set $s
            (i32.add (local.get $src)
              (i32.add (i32.shl (local.get $r0) (i32.const 2))
                (i32.mul (i32.add (local.get $pc) (local.get $p)) (local.get $cs)))))
          (local.set $i (i32.const 0))
          (loop $rowLoop
            (f32.store (local.get $d0)
              (if (result f32) (i32.lt_u (i32.add (local.get $r0) (local.get $i)) (local.get $rows))
                (then (f32.load (local.get $s)))
                (else (f32.const 0))))
            (local.set $d0 (i32.add (local.get $d0) (i32.const 4)))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $rowLoop (i32.lt_u (local.get $i) (local.get $w))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $tailStep (i32.lt_u (local.get $p) (local.get $kc))))
        (local.set $r0 (i32.add (local.get $r0) (local.get $w)))
        (br_if $panelLoop (i32.lt_u (local.get $r0) (local.get $rowsPadded))))))
      (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
      (br_if $pcLoop (i32.lt_u (local.get $pc) (local.get $k)))))

  ;; ---- s6-train ----
  ;; Backward of a fused Linear bias + ReLU (kernels/relu.ts reluMaskColumnSumKernel, bit for
  ;; bit): out[r, j] = y[r, j] > 0 ? g[r, j] : 0 over rows × n float32 (row-major; out may be g),
  ;; and dBias[j] += out[r, j] in float64 (n doubles at dBias), row after row, so every column is
  ;; summed in the same order as the JavaScript loop. y > 0 as a float compare is false for ±0,
  ;; negatives and NaN, as the bit test there. 4 columns per step while 4 remain, then one.
  (func (export "reluMaskColumnSum") (param $out i32) (param $g i32) (param $y i32) (param $db i32)
    (param $rows i32) (param $n i32)
    (local $r i32) (local $j i32) (local $n4 i32) (local $m v128) (local $d i32) (local $v f32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $n))) (then (return)))
    (loop $rowLoop
      (local.set $j (i32.const 0))
      (local.set $d (local.get $db))
      (if (i32.lt_u (local.get $j) (local.get $n4)) (then
        (loop $vecLoop
          (local.set $m
            (v128.and (v128.load (local.get $g))
              (f32x4.gt (v128.load (local.get $y)) (f32x4.splat (f32.const 0)))))
          (v128.store (local.get $out) (local.get $m))
          (v128.store (local.get $d)
            (f64x2.add (v128.load (local.get $d)) (f64x2.promote_low_f32x4 (local.get $m))))
          (v128.store offset=16 (local.get $d)
            (f64x2.add (v128.load offset=16 (local.get $d))
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $m) (local.get $m)))))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $g (i32.add (local.get $g) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (local.set $d (i32.add (local.get $d) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br_if $vecLoop (i32.lt_u (local.get $j) (local.get $n4))))))
      (if (i32.lt_u (local.get $j) (local.get $n)) (then
        (loop $tailLoop
          (local.set $v
            (select (f32.load (local.get $g)) (f32.const 0)
              (f32.gt (f32.load (local.get $y)) (f32.const 0))))
          (f32.store (local.get $out) (local.get $v))
          (f64.store (local.get $d) (f64.add (f64.load (local.get $d)) (f64.promote_f32 (local.get $v))))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $g (i32.add (local.get $g) (i32.const 4)))
          (local.set $y (i32.add (local.get $y) (i32.const 4)))
          (local.set $d (i32.add (local.get $d) (i32.const 8)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $tailLoop (i32.lt_u (local.get $j) (local.get $n))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rowLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; Backward of LayerNorm (kernels/layer-norm.ts layerNormBackwardKernel, bit for bit) for float32
  ;; g, x (rows × n, row-major), weight w (n float32; ones for none), float64 mean and rstd (rows),
  ;; float64 accumulators dw and db (n each) and a float64 scratch xh (n). Per row, with
  ;; x̂ = (x − μ)·ρ and ĝ = g·w: dw += g·x̂, db += g, and, when hasDx, dx = ρ·(ĝ − mean ĝ − x̂·mean ĝx̂)
  ;; rounded to float32. The JavaScript loop keeps two partial sums per statistic (even and odd
  ;; columns) in float64: here they are the two lanes of an f64x2, so every operation and its
  ;; order are the same (no fused multiply-add).
  (func (export "layerNormBackward") (param $dx i32) (param $dw i32) (param $db i32) (param $g i32)
    (param $x i32) (param $mean i32) (param $rstd i32) (param $w i32) (param $xh i32)
    (param $rows i32) (param $n i32) (param $hasDx i32)
    (local $r i32) (local $j i32) (local $even i32) (local $mu v128) (local $rho v128)
    (local $g2 v128) (local $x2 v128) (local $h2 v128) (local $sg v128) (local $sgx v128)
    (local $meanG v128) (local $meanGX v128) (local $o i32) (local $nf f64)
    (local $g0 f64) (local $x0 f64) (local $h0 f64)
    (local.set $even (i32.and (local.get $n) (i32.const -2)))
    (local.set $nf (f64.convert_i32_u (local.get $n)))
    (if (i32.eqz (local.get $rows)) (then (return)))
    (loop $rowLoop
      (local.set $mu (f64x2.splat (f64.load (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $rho (f64x2.splat (f64.load (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 3))))))
      (local.set $sg (v128.const f64x2 0 0))
      (local.set $sgx (v128.const f64x2 0 0))
      (local.set $j (i32.const 0))
      (if (i32.lt_u (local.get $j) (local.get $even)) (then
        (loop $pairLoop
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (local.set $g2 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $o)))))
          (local.set $x2
            (f64x2.mul
              (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $o))))
                (local.get $mu))
              (local.get $rho)))
          (v128.store (i32.add (local.get $xh) (i32.shl (local.get $j) (i32.const 3))) (local.get $x2))
          (local.set $h2
            (f64x2.mul (local.get $g2)
              (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $o))))))
          (local.set $sg (f64x2.add (local.get $sg) (local.get $h2)))
          (local.set $sgx (f64x2.add (local.get $sgx) (f64x2.mul (local.get $h2) (local.get $x2))))
          (local.set $o (i32.shl (local.get $j) (i32.const 3)))
          (v128.store (i32.add (local.get $dw) (local.get $o))
            (f64x2.add (v128.load (i32.add (local.get $dw) (local.get $o)))
              (f64x2.mul (local.get $g2) (local.get $x2))))
          (v128.store (i32.add (local.get $db) (local.get $o))
            (f64x2.add (v128.load (i32.add (local.get $db) (local.get $o))) (local.get $g2)))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br_if $pairLoop (i32.lt_u (local.get $j) (local.get $even))))))
      (if (i32.lt_u (local.get $even) (local.get $n)) (then
        ;; the odd last column joins the even partial sums (lane 0)
        (local.set $o (i32.shl (local.get $even) (i32.const 2)))
        (local.set $g0 (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))))
        (local.set $x0
          (f64.mul
            (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o))))
              (f64x2.extract_lane 0 (local.get $mu)))
            (f64x2.extract_lane 0 (local.get $rho))))
        (f64.store (i32.add (local.get $xh) (i32.shl (local.get $even) (i32.const 3))) (local.get $x0))
        (local.set $h0 (f64.mul (local.get $g0) (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $o))))))
        (local.set $sg
          (f64x2.replace_lane 0 (local.get $sg) (f64.add (f64x2.extract_lane 0 (local.get $sg)) (local.get $h0))))
        (local.set $sgx
          (f64x2.replace_lane 0 (local.get $sgx)
            (f64.add (f64x2.extract_lane 0 (local.get $sgx)) (f64.mul (local.get $h0) (local.get $x0)))))
        (local.set $o (i32.shl (local.get $even) (i32.const 3)))
        (f64.store (i32.add (local.get $dw) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $dw) (local.get $o))) (f64.mul (local.get $g0) (local.get $x0))))
        (f64.store (i32.add (local.get $db) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $db) (local.get $o))) (local.get $g0)))))
      (if (local.get $hasDx) (then
        (local.set $meanG (f64x2.splat
          (f64.div (f64.add (f64x2.extract_lane 0 (local.get $sg)) (f64x2.extract_lane 1 (local.get $sg)))
            (local.get $nf))))
        (local.set $meanGX (f64x2.splat
          (f64.div (f64.add (f64x2.extract_lane 0 (local.get $sgx)) (f64x2.extract_lane 1 (local.get $sgx)))
            (local.get $nf))))
        (local.set $j (i32.const 0))
        (if (i32.lt_u (local.get $j) (local.get $even)) (then
          (loop $dxLoop
            (local.set $o (i32.shl (local.get $j) (i32.const 2)))
            (v128.store64_lane 0 (i32.add (local.get $dx) (local.get $o))
              (f32x4.demote_f64x2_zero
                (f64x2.mul (local.get $rho)
                  (f64x2.sub
                    (f64x2.sub
                      (f64x2.mul
                        (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $o))))
                        (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $o)))))
                      (local.get $meanG))
                    (f64x2.mul (v128.load (i32.add (local.get $xh) (i32.shl (local.get $j) (i32.const 3))))
                      (local.get $meanGX))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br_if $dxLoop (i32.lt_u (local.get $j) (local.get $even))))))
        (if (i32.lt_u (local.get $even) (local.get $n)) (then
          (local.set $o (i32.shl (local.get $even) (i32.const 2)))
          (f32.store (i32.add (local.get $dx) (local.get $o))
            (f32.demote_f64
              (f64.mul (f64x2.extract_lane 0 (local.get $rho))
                (f64.sub
                  (f64.sub
                    (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o))))
                      (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $o)))))
                    (f64x2.extract_lane 0 (local.get $meanG)))
                  (f64.mul (f64.load (i32.add (local.get $xh) (i32.shl (local.get $even) (i32.const 3))))
                    (f64x2.extract_lane 0 (local.get $meanGX)))))))))
        (local.set $dx (i32.add (local.get $dx) (i32.shl (local.get $n) (i32.const 2))))))
      (local.set $g (i32.add (local.get $g) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rowLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; Rotary embedding in place (kernels/rotary.ts rotaryKernel, half-split layout, bit for bit):
  ;; for each of `rows` rows of floats at x + 4·rowAt[r], with its cos and sin tables (half floats
  ;; each) at cos + 4·tableAt[r] and sin + 4·tableAt[r], pair j (a, b) = (x_j, x_{j+half}) becomes
  ;; (a·c − b·s, b·c + a·s) with s = sign·sin_j, in float64 rounded once to float32 as the
  ;; JavaScript kernel's store rounds (float32 products are exact in float64); features from
  ;; 2·half on are left as they are (the caller copied them in).
  (func (export "rotaryRows") (param $x i32) (param $rowAt i32) (param $cos i32) (param $sin i32)
    (param $tableAt i32) (param $rows i32) (param $half i32) (param $sign f64)
    (local $r i32) (local $j i32) (local $even i32) (local $p i32) (local $t i32) (local $o i32)
    (local $a v128) (local $b v128) (local $c v128) (local $s v128) (local $sg v128)
    (local $a0 f64) (local $b0 f64) (local $c0 f64) (local $s0 f64)
    (local.set $even (i32.and (local.get $half) (i32.const -2)))
    (local.set $sg (f64x2.splat (local.get $sign)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $half))) (then (return)))
    (loop $rowLoop
      (local.set $p (i32.add (local.get $x)
        (i32.shl (i32.load (i32.add (local.get $rowAt) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2))))
      (local.set $t
        (i32.shl (i32.load (i32.add (local.get $tableAt) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2)))
      (local.set $j (i32.const 0))
      (if (i32.lt_u (local.get $j) (local.get $even)) (then
        (loop $pairLoop
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (local.set $a (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (local.get $o)))))
          (local.set $b (f64x2.promote_low_f32x4
            (v128.load64_zero (i32.add (i32.add (local.get $p) (i32.shl (local.get $half) (i32.const 2))) (local.get $o)))))
          (local.set $c (f64x2.promote_low_f32x4
            (v128.load64_zero (i32.add (i32.add (local.get $cos) (local.get $t)) (local.get $o)))))
          (local.set $s (f64x2.mul (local.get $sg) (f64x2.promote_low_f32x4
            (v128.load64_zero (i32.add (i32.add (local.get $sin) (local.get $t)) (local.get $o))))))
          (v128.store64_lane 0 (i32.add (local.get $p) (local.get $o))
            (f32x4.demote_f64x2_zero
              (f64x2.sub (f64x2.mul (local.get $a) (local.get $c)) (f64x2.mul (local.get $b) (local.get $s)))))
          (v128.store64_lane 0 (i32.add (i32.add (local.get $p) (i32.shl (local.get $half) (i32.const 2))) (local.get $o))
            (f32x4.demote_f64x2_zero
              (f64x2.add (f64x2.mul (local.get $b) (local.get $c)) (f64x2.mul (local.get $a) (local.get $s)))))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br_if $pairLoop (i32.lt_u (local.get $j) (local.get $even))))))
      (if (i32.lt_u (local.get $even) (local.get $half)) (then
        (local.set $o (i32.shl (local.get $even) (i32.const 2)))
        (local.set $a0 (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $o)))))
        (local.set $b0 (f64.promote_f32
          (f32.load (i32.add (i32.add (local.get $p) (i32.shl (local.get $half) (i32.const 2))) (local.get $o)))))
        (local.set $c0 (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $cos) (local.get $t)) (local.get $o)))))
        (local.set $s0 (f64.mul (local.get $sign)
          (f64.promote_f32 (f32.load (i32.add (i32.add (local.get $sin) (local.get $t)) (local.get $o))))))
        (f32.store (i32.add (local.get $p) (local.get $o))
          (f32.demote_f64 (f64.sub (f64.mul (local.get $a0) (local.get $c0)) (f64.mul (local.get $b0) (local.get $s0)))))
        (f32.store (i32.add (i32.add (local.get $p) (i32.shl (local.get $half) (i32.const 2))) (local.get $o))
          (f32.demote_f64 (f64.add (f64.mul (local.get $b0) (local.get $c0)) (f64.mul (local.get $a0) (local.get $s0)))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rowLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; LayerNorm forward in place over rows × n float32 at x (kernels/layer-norm.ts layerNormKernel,
  ;; bit for bit): per row, μ and ρ = 1/√(σ² + eps) in float64, each sum kept as the JavaScript
  ;; loop keeps it (four partial sums by column mod 4: the lanes of two f64x2; the tail joins the
  ;; first), saved at mean and rstd (float64 per row); then x ← ((x − μ)·ρ)·w + b rounded to
  ;; float32. The caller passes w = 1 for no weight and b = −0 for no bias (exact identities).
  (func (export "layerNorm") (param $x i32) (param $w i32) (param $b i32) (param $mean i32)
    (param $rstd i32) (param $rows i32) (param $n i32) (param $eps f64)
    (local $r i32) (local $j i32) (local $n4 i32) (local $even i32) (local $o i32) (local $nf f64)
    (local $s01 v128) (local $s23 v128) (local $c v128) (local $mu v128) (local $rho v128)
    (local $t f64) (local $u f64) (local $muf f64) (local $rhof f64)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $even (i32.and (local.get $n) (i32.const -2)))
    (local.set $nf (f64.convert_i32_u (local.get $n)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $n))) (then (return)))
    (loop $rowLoop
      ;; Σ x
      (local.set $s01 (v128.const f64x2 0 0))
      (local.set $s23 (v128.const f64x2 0 0))
      (local.set $j (i32.const 0))
      (if (i32.lt_u (local.get $j) (local.get $n4)) (then
        (loop $sumLoop
          (local.set $o (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $o)))))
          (local.set $s23
            (f64x2.add (local.get $s23) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $o)))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br_if $sumLoop (i32.lt_u (local.get $j) (local.get $n4))))))
      (local.set $t (f64x2.extract_lane 0 (local.get $s01)))
      (if (i32.lt_u (local.get $j) (local.get $n)) (then
        (loop $sumTail
          (local.set $t
            (f64.add (local.get $t)
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $sumTail (i32.lt_u (local.get $j) (local.get $n))))))
      ;; μ = (s0 + s1 + (s2 + s3)) / n
      (local.set $muf
        (f64.div
          (f64.add (f64.add (local.get $t) (f64x2.extract_lane 1 (local.get $s01)))
            (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23))))
          (local.get $nf)))
      (local.set $mu (f64x2.splat (local.get $muf)))
      ;; Σ (x − μ)²
      (local.set $s01 (v128.const f64x2 0 0))
      (local.set $s23 (v128.const f64x2 0 0))
      (local.set $j (i32.const 0))
      (if (i32.lt_u (local.get $j) (local.get $n4)) (then
        (loop $varLoop
          (local.set $o (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $c (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $o))) (local.get $mu)))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $c) (local.get $c))))
          (local.set $c (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $o))) (local.get $mu)))
          (local.set $s23 (f64x2.add (local.get $s23) (f64x2.mul (local.get $c) (local.get $c))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br_if $varLoop (i32.lt_u (local.get $j) (local.get $n4))))))
      (local.set $t (f64x2.extract_lane 0 (local.get $s01)))
      (if (i32.lt_u (local.get $j) (local.get $n)) (then
        (loop $varTail
          (local.set $u
            (f64.sub
              (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))))
              (local.get $muf)))
          (local.set $t (f64.add (local.get $t) (f64.mul (local.get $u) (local.get $u))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $varTail (i32.lt_u (local.get $j) (local.get $n))))))
      ;; ρ = 1 / √((s0 + s1 + (s2 + s3)) / n + eps)
      (local.set $rhof
        (f64.div (f64.const 1)
          (f64.sqrt
            (f64.add
              (f64.div
                (f64.add (f64.add (local.get $t) (f64x2.extract_lane 1 (local.get $s01)))
                  (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23))))
                (local.get $nf))
              (local.get $eps)))))
      (local.set $rho (f64x2.splat (local.get $rhof)))
      (f64.store (i32.add (local.get $mean) (i32.shl (local.get $r) (i32.const 3))) (local.get $muf))
      (f64.store (i32.add (local.get $rstd) (i32.shl (local.get $r) (i32.const 3))) (local.get $rhof))
      ;; x ← ((x − μ)·ρ)·w + b, two columns at a time
      (local.set $j (i32.const 0))
      (if (i32.lt_u (local.get $j) (local.get $even)) (then
        (loop $outLoop
          (local.set $o (i32.shl (local.get $j) (i32.const 2)))
          (v128.store64_lane 0 (i32.add (local.get $x) (local.get $o))
            (f32x4.demote_f64x2_zero
              (f64x2.add
                (f64x2.mul
                  (f64x2.mul
                    (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $x) (local.get $o))))
                      (local.get $mu))
                    (local.get $rho))
                  (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $o)))))
                (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (local.get $o)))))))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br_if $outLoop (i32.lt_u (local.get $j) (local.get $even))))))
      (if (i32.lt_u (local.get $even) (local.get $n)) (then
        (local.set $o (i32.shl (local.get $even) (i32.const 2)))
        (f32.store (i32.add (local.get $x) (local.get $o))
          (f32.demote_f64
            (f64.add
              (f64.mul
                (f64.mul
                  (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $muf))
                  (local.get $rhof))
                (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $o)))))
              (f64.promote_f32 (f32.load (i32.add (local.get $b) (local.get $o)))))))))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rowLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; Linear bias + ReLU in place (kernels/relu.ts biasReluKernel with a bias, bit for bit but for
  ;; NaN payloads): out[r, j] = max(out[r, j] + bias[j], 0) over rows × n float32; the float32 add
  ;; rounds as the JavaScript store does, and max(v, +0) is v for v > 0 and +0 otherwise (−0 and
  ;; −∞ included), NaN staying NaN, as (v + |v|)/2 with Math.max for non-finite v there.
  (func (export "biasRelu") (param $out i32) (param $bias i32) (param $rows i32) (param $n i32)
    (call $biasMax (local.get $out) (local.get $bias) (local.get $rows) (local.get $n) (f32.const 0)))

  ;; Linear bias in place (kernels/bias.ts biasAddKernel, bit for bit but for NaN payloads):
  ;; out[r, j] = out[r, j] + bias[j], the float32 add rounding as the JavaScript store does;
  ;; max(v, −∞) is v for every v (−0 included).
  (func (export "biasAdd") (param $out i32) (param $bias i32) (param $rows i32) (param $n i32)
    (call $biasMax (local.get $out) (local.get $bias) (local.get $rows) (local.get $n) (f32.const -inf)))

  ;; out[r, j] = max(out[r, j] + bias[j], floor) over rows × n float32.
  (func $biasMax (param $out i32) (param $bias i32) (param $rows i32) (param $n i32) (param $floor f32)
    (local $r i32) (local $j i32) (local $n4 i32) (local $b i32) (local $f v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $f (f32x4.splat (local.get $floor)))
    (if (i32.eqz (i32.mul (local.get $rows) (local.get $n))) (then (return)))
    (loop $rowLoop
      (local.set $j (i32.const 0))
      (local.set $b (local.get $bias))
      (if (i32.lt_u (local.get $j) (local.get $n4)) (then
        (loop $vecLoop
          (v128.store (local.get $out)
            (f32x4.max (f32x4.add (v128.load (local.get $out)) (v128.load (local.get $b)))
              (local.get $f)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br_if $vecLoop (i32.lt_u (local.get $j) (local.get $n4))))))
      (if (i32.lt_u (local.get $j) (local.get $n)) (then
        (loop $tailLoop
          (f32.store (local.get $out)
            (f32.max (f32.add (f32.load (local.get $out)) (f32.load (local.get $b))) (local.get $floor)))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $b (i32.add (local.get $b) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $tailLoop (i32.lt_u (local.get $j) (local.get $n))))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rowLoop (i32.lt_u (local.get $r) (local.get $rows)))))

  ;; ---- s10-attention-batch ----
  ;; Many attention problems per call (kernels/wasm-attention-batch.ts): the caller copies each
  ;; operand's whole span into the memory once, writes a table of per-problem row addresses and
  ;; the key limits, and each call stages, solves and writes back problems [h0, h1) in its own
  ;; scratch, so a (batch·heads)-problem attention crosses into WebAssembly once per thread instead
  ;; of once per problem.

  ;; dst (rp rows of cp floats) = the rows × cols floats at src (row stride rs floats), zero past
  ;; cols and past rows.
  (func $rowsIn (param $dst i32) (param $src i32) (param $rs i32) (param $rows i32) (param $rp i32)
    (param $cols i32) (param $cp i32)
    (local $i i32) (local $n i32) (local $pad i32)
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $n (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $pad (i32.shl (i32.sub (local.get $cp) (local.get $cols)) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (memory.copy (local.get $dst) (local.get $src) (local.get $n))
        (memory.fill (i32.add (local.get $dst) (local.get $n)) (i32.const 0) (local.get $pad))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $cp) (i32.const 2))))
        (local.set $src (i32.add (local.get $src) (local.get $rs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row)))
    (memory.fill (local.get $dst) (i32.const 0)
      (i32.shl (i32.mul (i32.sub (local.get $rp) (local.get $rows)) (local.get $cp)) (i32.const 2))))

  ;; The rows × cols floats at dst (row stride rs floats) = the rows of src (row length cp floats).
  (func $rowsOut (param $dst i32) (param $rs i32) (param $src i32) (param $rows i32) (param $cols i32)
    (param $cp i32)
    (local $i i32) (local $n i32)
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $n (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (memory.copy (local.get $dst) (local.get $src) (local.get $n))
        (local.set $dst (i32.add (local.get $dst) (local.get $rs)))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $cp) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; x[0:n] = v.
  (func $fill (param $x i32) (param $n i32) (param $v f32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (f32.store (local.get $x) (local.get $v))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $step))))

  ;; flashForward of problems [h0, h1). table: 4 i32 per problem (byte addresses of its first q,
  ;; k, v and out rows, strides qrs … ors in floats); lim: lqp i32 per problem; ml: 2·lqp floats
  ;; per problem, left holding m then l (the caller forms lse = m + log l); scratch: this call's
  ;; own area of (lqp + lkp)·d + (lkp + lqp)·dvp + 64·64 floats.
  (func (export "flashForwardBatch") (param $table i32) (param $lim i32) (param $ml i32)
    (param $h0 i32) (param $h1 i32) (param $scratch i32) (param $qrs i32) (param $krs i32)
    (param $vrs i32) (param $ors i32) (param $lq i32) (param $lk i32) (param $lqp i32) (param $lkp i32)
    (param $d i32) (param $dv i32) (param $dvp i32) (param $scale f32)
    (local $h i32) (local $row i32) (local $kp i32) (local $vr i32) (local $o i32) (local $s i32)
    (local $m i32)
    (local.set $kp (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $lqp) (local.get $d)) (i32.const 2))))
    (local.set $vr (i32.add (local.get $kp) (i32.shl (i32.mul (local.get $lkp) (local.get $d)) (i32.const 2))))
    (local.set $o (i32.add (local.get $vr) (i32.shl (i32.mul (local.get $lkp) (local.get $dvp)) (i32.const 2))))
    (local.set $s (i32.add (local.get $o) (i32.shl (i32.mul (local.get $lqp) (local.get $dvp)) (i32.const 2))))
    (local.set $h (local.get $h0))
    (block $done
      (loop $problem
        (br_if $done (i32.ge_u (local.get $h) (local.get $h1)))
        (local.set $row (i32.add (local.get $table) (i32.shl (local.get $h) (i32.const 4))))
        (call $pack (local.get $scratch) (i32.load (local.get $row)) (local.get $qrs) (i32.const 1)
          (local.get $lq) (local.get $lqp) (local.get $d) (i32.const 4))
        (call $pack (local.get $kp) (i32.load offset=4 (local.get $row)) (local.get $krs) (i32.const 1)
          (local.get $lk) (local.get $lkp) (local.get $d) (i32.const 8))
        (call $rowsIn (local.get $vr) (i32.load offset=8 (local.get $row)) (local.get $vrs)
          (local.get $lk) (local.get $lkp) (local.get $dv) (local.get $dvp))
        (memory.fill (local.get $o) (i32.const 0)
          (i32.shl (i32.mul (local.get $lqp) (local.get $dvp)) (i32.const 2)))
        (local.set $m (i32.add (local.get $ml) (i32.shl (i32.mul (local.get $h) (local.get $lqp)) (i32.const 3))))
        (call $fill (local.get $m) (local.get $lqp) (f32.const -inf))
        (call $fill (i32.add (local.get $m) (i32.shl (local.get $lqp) (i32.const 2))) (local.get $lqp) (f32.const 0))
        (call $flashForward (local.get $scratch) (local.get $kp) (local.get $vr) (local.get $o)
          (local.get $m) (i32.add (local.get $m) (i32.shl (local.get $lqp) (i32.const 2)))
          (i32.add (local.get $lim) (i32.shl (i32.mul (local.get $h) (local.get $lqp)) (i32.const 2)))
          (local.get $s) (local.get $lqp) (local.get $d) (local.get $dvp) (local.get $scale))
        (call $rowsOut (i32.load offset=12 (local.get $row)) (local.get $ors) (local.get $o)
          (local.get $lq) (local.get $dv) (local.get $dvp))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $problem))))

  ;; flashBackward of problems [h0, h1). table: 8 i32 per problem (byte addresses of its first q,
  ;; k, v, out, dOut, dq, dk and dv rows; strides in the order of the parameters, in floats); lim:
  ;; lqp i32 per problem; lse: lq floats per problem; scratch: this call's own area (see
  ;; kernels/wasm-attention-batch.ts backwardScratch). D = rowsum(dO∘O) is summed in float64 in
  ;; column order, as the per-problem path does in JavaScript.
  (func (export "flashBackwardBatch") (param $table i32) (param $lim i32) (param $lse i32)
    (param $h0 i32) (param $h1 i32) (param $scratch i32) (param $qrs i32) (param $krs i32)
    (param $vrs i32) (param $ors i32) (param $dors i32) (param $dqrs i32) (param $dkrs i32)
    (param $dvrs i32) (param $lq i32) (param $lk i32) (param $lqp i32) (param $lkp i32) (param $d i32)
    (param $dp i32) (param $dv i32) (param $dvp i32) (param $scale f32)
    (local $h i32) (local $row i32) (local $qr i32) (local $kp i32) (local $kr i32) (local $vp i32)
    (local $dop i32) (local $dor i32) (local $dd i32) (local $s i32) (local $t i32) (local $dq i32)
    (local $dk i32) (local $dvr i32) (local $end i32) (local $i i32) (local $c i32) (local $g i32)
    (local $o i32) (local $sum f64) (local $br i32)
    ;; the scratch layout of backwardScratch: qp qr kp kr vp dop dor dd s t dq dk dv
    (local.set $qr (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $lqp) (local.get $d)) (i32.const 2))))
    (local.set $kp (i32.add (local.get $qr) (i32.shl (i32.mul (local.get $lqp) (local.get $dp)) (i32.const 2))))
    (local.set $kr (i32.add (local.get $kp) (i32.shl (i32.mul (local.get $lkp) (local.get $d)) (i32.const 2))))
    (local.set $vp (i32.add (local.get $kr) (i32.shl (i32.mul (local.get $lkp) (local.get $dp)) (i32.const 2))))
    (local.set $dop (i32.add (local.get $vp) (i32.shl (i32.mul (local.get $lkp) (local.get $dv)) (i32.const 2))))
    (local.set $dor (i32.add (local.get $dop) (i32.shl (i32.mul (local.get $lqp) (local.get $dv)) (i32.const 2))))
    (local.set $dd (i32.add (local.get $dor) (i32.shl (i32.mul (local.get $lqp) (local.get $dvp)) (i32.const 2))))
    (local.set $s (i32.add (local.get $dd) (i32.shl (local.get $lqp) (i32.const 2))))
    (local.set $t (i32.add (local.get $s) (i32.const 16384)))
    (local.set $dq (i32.add (local.get $t) (i32.const 16384)))
    (local.set $dk (i32.add (local.get $dq) (i32.shl (i32.mul (local.get $lqp) (local.get $dp)) (i32.const 2))))
    (local.set $dvr (i32.add (local.get $dk) (i32.shl (i32.mul (local.get $lkp) (local.get $dp)) (i32.const 2))))
    (local.set $end (i32.add (local.get $dvr) (i32.shl (i32.mul (local.get $lkp) (local.get $dvp)) (i32.const 2))))
    ;; rows of the score tiles a problem reads (its first query block): later blocks reuse them
    (local.set $br (select (i32.const 64) (local.get $lqp) (i32.gt_u (local.get $lqp) (i32.const 64))))
    (local.set $h (local.get $h0))
    (block $done
      (loop $problem
        (br_if $done (i32.ge_u (local.get $h) (local.get $h1)))
        (local.set $row (i32.add (local.get $table) (i32.shl (local.get $h) (i32.const 5))))
        (call $pack (local.get $scratch) (i32.load (local.get $row)) (local.get $qrs) (i32.const 1)
          (local.get $lq) (local.get $lqp) (local.get $d) (i32.const 4))
        (call $rowsIn (local.get $qr) (i32.load (local.get $row)) (local.get $qrs)
          (local.get $lq) (local.get $lqp) (local.get $d) (local.get $dp))
        (call $pack (local.get $kp) (i32.load offset=4 (local.get $row)) (local.get $krs) (i32.const 1)
          (local.get $lk) (local.get $lkp) (local.get $d) (i32.const 8))
        (call $rowsIn (local.get $kr) (i32.load offset=4 (local.get $row)) (local.get $krs)
          (local.get $lk) (local.get $lkp) (local.get $d) (local.get $dp))
        (call $pack (local.get $vp) (i32.load offset=8 (local.get $row)) (local.get $vrs) (i32.const 1)
          (local.get $lk) (local.get $lkp) (local.get $dv) (i32.const 8))
        (call $pack (local.get $dop) (i32.load offset=16 (local.get $row)) (local.get $dors) (i32.const 1)
          (local.get $lq) (local.get $lqp) (local.get $dv) (i32.const 4))
        (call $rowsIn (local.get $dor) (i32.load offset=16 (local.get $row)) (local.get $dors)
          (local.get $lq) (local.get $lqp) (local.get $dv) (local.get $dvp))
        ;; D_i = Σ_c dO_ic·O_ic (Algorithm 2, line 19's rowsum), zero on padding rows
        (local.set $g (i32.load offset=16 (local.get $row)))
        (local.set $o (i32.load offset=12 (local.get $row)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $lq)))
            (local.set $sum (f64.const 0))
            (local.set $c (i32.const 0))
            (block $colsDone
              (loop $colLoop
                (br_if $colsDone (i32.ge_u (local.get $c) (local.get $dv)))
                (local.set $sum (f64.add (local.get $sum)
                  (f64.mul
                    (f64.promote_f32 (f32.load (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2)))))
                    (f64.promote_f32 (f32.load (i32.add (local.get $o) (i32.shl (local.get $c) (i32.const 2))))))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $colLoop)))
            (f32.store (i32.add (local.get $dd) (i32.shl (local.get $i) (i32.const 2)))
              (f32.demote_f64 (local.get $sum)))
            (local.set $g (i32.add (local.get $g) (i32.shl (local.get $dors) (i32.const 2))))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $ors) (i32.const 2))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rowLoop)))
        (call $fill (i32.add (local.get $dd) (i32.shl (local.get $lq) (i32.const 2)))
          (i32.sub (local.get $lqp) (local.get $lq)) (f32.const 0))
        ;; the tiles' rows a problem reads, and the dQ, dK, dV accumulators
        (memory.fill (local.get $s) (i32.const 0) (i32.shl (local.get $br) (i32.const 8)))
        (memory.fill (local.get $t) (i32.const 0) (i32.shl (local.get $br) (i32.const 8)))
        (memory.fill (local.get $dq) (i32.const 0) (i32.sub (local.get $end) (local.get $dq)))
        (call $flashBackward (local.get $scratch) (local.get $qr) (local.get $kp) (local.get $kr)
          (local.get $vp) (local.get $dop) (local.get $dor)
          (i32.add (local.get $lse) (i32.shl (i32.mul (local.get $h) (local.get $lq)) (i32.const 2)))
          (local.get $dd)
          (i32.add (local.get $lim) (i32.shl (i32.mul (local.get $h) (local.get $lqp)) (i32.const 2)))
          (local.get $s) (local.get $t) (local.get $dq) (local.get $dk) (local.get $dvr)
          (local.get $lqp) (local.get $lk) (local.get $d) (local.get $dp) (local.get $dv) (local.get $dvp)
          (local.get $scale))
        (call $rowsOut (i32.load offset=20 (local.get $row)) (local.get $dqrs) (local.get $dq)
          (local.get $lq) (local.get $d) (local.get $dp))
        (call $rowsOut (i32.load offset=24 (local.get $row)) (local.get $dkrs) (local.get $dk)
          (local.get $lk) (local.get $d) (local.get $dp))
        (call $rowsOut (i32.load offset=28 (local.get $row)) (local.get $dvrs) (local.get $dvr)
          (local.get $lk) (local.get $dv) (local.get $dvp))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $problem))))

  ;; ---- s10-arithmetic ----
  ;; x[0:n] = x[0:n] ∘ y[0:n] in float32, ∘ = + − × ÷ for op 0 1 2 3 (kernels/wasm-arithmetic.ts):
  ;; each IEEE float32 operation is correctly rounded, as JavaScript's float64 operation rounded
  ;; once by the Float32Array store is for float32 operands, so only NaN payloads can differ.
  (func (export "arithmeticFlat") (param $op i32) (param $x i32) (param $y i32) (param $n i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (if (i32.eq (local.get $op) (i32.const 0)) (then
      (block $vaddDone
        (loop $vadd
          (br_if $vaddDone (i32.ge_u (local.get $x) (local.get $end4)))
          (v128.store (local.get $x) (f32x4.add (v128.load (local.get $x)) (v128.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br $vadd)))
      (block $saddDone
        (loop $sadd
          (br_if $saddDone (i32.ge_u (local.get $x) (local.get $end)))
          (f32.store (local.get $x) (f32.add (f32.load (local.get $x)) (f32.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (local.set $y (i32.add (local.get $y) (i32.const 4)))
          (br $sadd)))
      (return)))
    (if (i32.eq (local.get $op) (i32.const 1)) (then
      (block $vsubDone
        (loop $vsub
          (br_if $vsubDone (i32.ge_u (local.get $x) (local.get $end4)))
          (v128.store (local.get $x) (f32x4.sub (v128.load (local.get $x)) (v128.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br $vsub)))
      (block $ssubDone
        (loop $ssub
          (br_if $ssubDone (i32.ge_u (local.get $x) (local.get $end)))
          (f32.store (local.get $x) (f32.sub (f32.load (local.get $x)) (f32.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (local.set $y (i32.add (local.get $y) (i32.const 4)))
          (br $ssub)))
      (return)))
    (if (i32.eq (local.get $op) (i32.const 2)) (then
      (block $vmulDone
        (loop $vmul
          (br_if $vmulDone (i32.ge_u (local.get $x) (local.get $end4)))
          (v128.store (local.get $x) (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br $vmul)))
      (block $smulDone
        (loop $smul
          (br_if $smulDone (i32.ge_u (local.get $x) (local.get $end)))
          (f32.store (local.get $x) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (local.set $y (i32.add (local.get $y) (i32.const 4)))
          (br $smul)))
      (return)))
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (block $vdivDone
        (loop $vdiv
          (br_if $vdivDone (i32.ge_u (local.get $x) (local.get $end4)))
          (v128.store (local.get $x) (f32x4.div (v128.load (local.get $x)) (v128.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $y (i32.add (local.get $y) (i32.const 16)))
          (br $vdiv)))
      (block $sdivDone
        (loop $sdiv
          (br_if $sdivDone (i32.ge_u (local.get $x) (local.get $end)))
          (f32.store (local.get $x) (f32.div (f32.load (local.get $x)) (f32.load (local.get $y))))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (local.set $y (i32.add (local.get $y) (i32.const 4)))
          (br $sdiv)))
      (return)))
  )

  ;; ---- s10-adam ----
  ;; One Adam/AdamW update of n float32 parameters in place (kernels/adam.ts adamStepKernel): the
  ;; same float64 operations in the same order, two elements per f64x2, each stored value rounded
  ;; to float32 (and the moments read back from it) as the JavaScript kernel's Float32Array stores.
  (func (export "adamStep") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f64) (param $b2 f64) (param $shrink f64) (param $step f64) (param $bc2 f64) (param $eps f64)
    (local $i i32) (local $o i32) (local $n2 i32)
    (local $B1 v128) (local $B2 v128) (local $C1 v128) (local $C2 v128) (local $S v128) (local $ST v128)
    (local $BC v128) (local $E v128) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f64) (local $ms f64) (local $vs f64)
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (local.set $C1 (f64x2.splat (f64.sub (f64.const 1) (local.get $b1))))
    (local.set $C2 (f64x2.splat (f64.sub (f64.const 1) (local.get $b2))))
    (local.set $S (f64x2.splat (local.get $shrink)))
    (local.set $ST (f64x2.splat (local.get $step)))
    (local.set $BC (f64x2.splat (local.get $bc2)))
    (local.set $E (f64x2.splat (local.get $eps)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $g) (local.get $o)))))
        ;; m = β1·m + (1 − β1)·g, rounded to float32 and read back
        (local.set $mv (f64x2.add
          (f64x2.mul (local.get $B1) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $m) (local.get $o)))))
          (f64x2.mul (local.get $C1) (local.get $gv))))
        (local.set $mv (f32x4.demote_f64x2_zero (local.get $mv)))
        (v128.store64_lane 0 (i32.add (local.get $m) (local.get $o)) (local.get $mv))
        (local.set $mv (f64x2.promote_low_f32x4 (local.get $mv)))
        ;; v = β2·v + ((1 − β2)·g)·g, likewise
        (local.set $vv (f64x2.add
          (f64x2.mul (local.get $B2) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v) (local.get $o)))))
          (f64x2.mul (f64x2.mul (local.get $C2) (local.get $gv)) (local.get $gv))))
        (local.set $vv (f32x4.demote_f64x2_zero (local.get $vv)))
        (v128.store64_lane 0 (i32.add (local.get $v) (local.get $o)) (local.get $vv))
        (local.set $vv (f64x2.promote_low_f32x4 (local.get $vv)))
        ;; p = p·shrink − (stepSize·m) / (√v / bc2 + eps)
        (v128.store64_lane 0 (i32.add (local.get $p) (local.get $o))
          (f32x4.demote_f64x2_zero
            (f64x2.sub
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $p) (local.get $o)))) (local.get $S))
              (f64x2.div (f64x2.mul (local.get $ST) (local.get $mv))
                (f64x2.add (f64x2.div (f64x2.sqrt (local.get $vv)) (local.get $BC)) (local.get $E))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n)) (then
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gs (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))))
      (local.set $ms (f64.promote_f32 (f32.demote_f64
        (f64.add (f64.mul (local.get $b1) (f64.promote_f32 (f32.load (i32.add (local.get $m) (local.get $o)))))
          (f64.mul (f64.sub (f64.const 1) (local.get $b1)) (local.get $gs))))))
      (f32.store (i32.add (local.get $m) (local.get $o)) (f32.demote_f64 (local.get $ms)))
      (local.set $vs (f64.promote_f32 (f32.demote_f64
        (f64.add (f64.mul (local.get $b2) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $o)))))
          (f64.mul (f64.mul (f64.sub (f64.const 1) (local.get $b2)) (local.get $gs)) (local.get $gs))))))
      (f32.store (i32.add (local.get $v) (local.get $o)) (f32.demote_f64 (local.get $vs)))
      (f32.store (i32.add (local.get $p) (local.get $o))
        (f32.demote_f64
          (f64.sub
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $o)))) (local.get $shrink))
            (f64.div (f64.mul (local.get $step) (local.get $ms))
              (f64.add (f64.div (f64.sqrt (local.get $vs)) (local.get $bc2)) (local.get $eps)))))))))
)

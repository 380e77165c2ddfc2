/*
 * The WebAssembly text (WAT) of the engine's SIMD kernels, generated here because their register
 * tiles are the same loop written out for several tile sizes. Four products, each
 * accumulating into `c` (pointers are byte offsets into the tfjs wasm heap, strides in elements):
 *
 *   gemm_tn(a, sa, b, sb, k, c, sc, m, n):  c[i·sc + j] += Σ_{t<k} a[t·sa + i] · b[t·sb + j]
 *   gemm_nn(a, sa, b, sb, k, c, sc, m, n):  c[i·sc + j] += Σ_{t<k} a[i·sa + t] · b[t·sb + j]
 *   dot_channels(a, sa, b, sb, k, c, n):    c[j]        += Σ_{t<k} a[t·sa + j] · b[t·sb + j]
 *   scale_add_channels(a, sa, w, c, sc, k, n): c[t·sc + j] += a[t·sa + j] · w[j]   (t < k, j < n)
 *
 * and elementwise and per-channel passes: batch normalisation's, the swish and relu gradients, and
 * the max pool's gradient, one window at a time.
 *
 * gemm_tn is Aᵀ·B for two pixel-major operands (a convolution's input taps and its output
 * gradient, NHWC: channels contiguous, pixels `sa`/`sb` apart), the filter gradient's product
 * without the transposes and packing that XNNPACK's operators need. Its 4×8 register tile (8
 * v128 accumulators) reads 4 splatted floats of A and 2 vectors of B per pixel; tails use 4×4,
 * 4×1, 1×8, 1×4 and 1×1 tiles. gemm_nn is the plain product, for input gradients: a row segment
 * of dy times a tap's filter with its channels swapped, added into dx (or, gathered, a dx row from
 * kw·O contiguous values of dy per pixel: conv-gradients-on-heap.ts). dot_channels is the depthwise filter gradient's per-channel dot
 * product, 16 channels (4 vectors) at a time.
 *
 * Plain wasm SIMD (mul then add: no relaxed-SIMD FMA), which every Node ≥ 16 runs.
 */

/** The instructions for `width` floats at a time: 4-lane vectors (width 4, 8, 16) or one scalar (width 1). */
function lanesOf(width: number) {
  const vector = width > 1;
  return {
    count: vector ? width / 4 : 1,
    type: vector ? 'v128' : 'f32',
    load: vector ? 'v128.load' : 'f32.load',
    store: vector ? 'v128.store' : 'f32.store',
    mul: vector ? 'f32x4.mul' : 'f32.mul',
    add: vector ? 'f32x4.add' : 'f32.add',
    /** Bytes per lane group. */
    step: vector ? 16 : 4,
  };
}

/**
 * A tile of `rows` rows of C by `width` columns (8 or 4 = vectors of 4 lanes, 1 = scalar). `a` is
 * how A's values for the tile's rows lie: 'columns' (gemm_tn: the rows' values for one t are
 * adjacent, t steps by a stride) or 'rows' (gemm_nn: each row is contiguous in t, rows a stride apart).
 */
interface Tile {
  rows: 1 | 4;
  width: 1 | 4 | 8;
  a: 'columns' | 'rows';
}

const TILE_SHAPES = [
  { rows: 4, width: 8 },
  { rows: 4, width: 4 },
  { rows: 4, width: 1 },
  { rows: 1, width: 8 },
  { rows: 1, width: 4 },
  { rows: 1, width: 1 },
] as const;
const GEMM_TILES: readonly Tile[] = (['columns', 'rows'] as const).flatMap((a) => TILE_SHAPES.map((t) => ({ ...t, a })));

const tileName = (t: Omit<Tile, 'width'> & { width: number }): string => `$tile_${t.a}_${t.rows}x${t.width}`;

/**
 * One register tile of C: load its accumulators, run over the k values of t, store them back.
 * Params are byte addresses and byte strides: pa (A at the tile's first row, t = 0), sa (A's
 * stride: between t's for 'columns', between rows for 'rows'), pb (B at the tile's first column),
 * sb (B's stride between t's), k, pc (C at the tile's corner), sc (C's row stride).
 */
function tileFunction(t: Tile): string {
  const { count: lanes, type, load, store, mul, add, step } = lanesOf(t.width);
  const splat = t.width > 1 ? 'v128.load32_splat' : 'f32.load';
  const acc = (r: number, v: number) => `$c${r}_${v}`;
  const rowAddress = (r: number) => (r === 0 ? '(local.get $pc)' : `(i32.add (local.get $pc) (i32.mul (local.get $sc) (i32.const ${r})))`);
  const lines: string[] = [];
  lines.push(`(func ${tileName(t)} (param $pa i32) (param $sa i32) (param $pb i32) (param $sb i32) (param $k i32) (param $pc i32) (param $sc i32)`);
  const locals = ['(local $a ' + type + ')'];
  // 'rows': one pointer per row of A (runtime stride apart), all stepping 4 bytes per t.
  const rowPointers = t.a === 'rows' ? Array.from({ length: t.rows }, (_, r) => `$pa${r}`) : [];
  for (const pointer of rowPointers) locals.push(`(local ${pointer} i32)`);
  for (let v = 0; v < lanes; v++) locals.push(`(local $b${v} ${type})`);
  for (let r = 0; r < t.rows; r++) for (let v = 0; v < lanes; v++) locals.push(`(local ${acc(r, v)} ${type})`);
  lines.push(locals.join(' '));
  lines.push('(if (i32.eqz (local.get $k)) (then (return)))');
  rowPointers.forEach((pointer, r) => lines.push(`(local.set ${pointer} (i32.add (local.get $pa) (i32.mul (local.get $sa) (i32.const ${r}))))`));
  for (let r = 0; r < t.rows; r++) {
    for (let v = 0; v < lanes; v++) lines.push(`(local.set ${acc(r, v)} (${load} offset=${v * step} ${rowAddress(r)}))`);
  }
  lines.push('(loop $pixels');
  for (let v = 0; v < lanes; v++) lines.push(`(local.set $b${v} (${load} offset=${v * step} (local.get $pb)))`);
  for (let r = 0; r < t.rows; r++) {
    const aValue = t.a === 'columns' ? `offset=${r * 4} (local.get $pa)` : `(local.get ${rowPointers[r]})`;
    lines.push(`(local.set $a (${splat} ${aValue}))`);
    for (let v = 0; v < lanes; v++) {
      lines.push(`(local.set ${acc(r, v)} (${add} (local.get ${acc(r, v)}) (${mul} (local.get $a) (local.get $b${v}))))`);
    }
  }
  if (t.a === 'columns') lines.push('(local.set $pa (i32.add (local.get $pa) (local.get $sa)))');
  for (const pointer of rowPointers) lines.push(`(local.set ${pointer} (i32.add (local.get ${pointer}) (i32.const 4)))`);
  lines.push('(local.set $pb (i32.add (local.get $pb) (local.get $sb)))');
  lines.push('(br_if $pixels (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))');
  for (let r = 0; r < t.rows; r++) {
    for (let v = 0; v < lanes; v++) lines.push(`(${store} offset=${v * step} ${rowAddress(r)} (local.get ${acc(r, v)}))`);
  }
  lines.push(')');
  return lines.join('\n');
}

/**
 * The columns of one band of `rows` rows of C: tiles of width 8 while they fit, then 4, then 1.
 * Params: pa (A at the band's first row), sa, pb, sb (byte strides), k, pc (C at the band's first row), sc (C's row stride, bytes), n.
 */
function bandFunction(rows: 1 | 4, a: Tile['a']): string {
  const widths = [8, 4, 1] as const;
  const body = widths.map((width) => {
    const fits = width === 1 ? '(i32.ge_u (local.get $j) (local.get $n))' : `(i32.gt_u (i32.add (local.get $j) (i32.const ${width})) (local.get $n))`;
    return `(block $done${width} (loop $next${width}
  (br_if $done${width} ${fits})
  (call ${tileName({ rows, width, a })} (local.get $pa) (local.get $sa)
    (i32.add (local.get $pb) (i32.shl (local.get $j) (i32.const 2))) (local.get $sb) (local.get $k)
    (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))) (local.get $sc))
  (local.set $j (i32.add (local.get $j) (i32.const ${width})))
  (br $next${width})))`;
  });
  return `(func $band_${a}_${rows} (param $pa i32) (param $sa i32) (param $pb i32) (param $sb i32) (param $k i32) (param $pc i32) (param $sc i32) (param $n i32)
(local $j i32)
${body.join('\n')})`;
}

/**
 * An exported product: bands of 4 rows of C while they fit, then single rows. `gemm_tn` (A in
 * 'columns': row i of the product is A's column i) or `gemm_nn` (A in 'rows'). Strides in elements.
 */
function gemmFunction(a: Tile['a']): string {
  const name = a === 'columns' ? 'gemm_tn' : 'gemm_nn';
  // Byte offset of A's row i: i·4 in 'columns', i·sa in 'rows'.
  const aRow = a === 'columns' ? '(i32.shl (local.get $i) (i32.const 2))' : '(i32.mul (local.get $i) (local.get $sa))';
  const bands = ([4, 1] as const).map((rows) => {
    const fits = rows === 1 ? '(i32.ge_u (local.get $i) (local.get $m))' : '(i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m))';
    return `(block $done${rows} (loop $next${rows}
  (br_if $done${rows} ${fits})
  (call $band_${a}_${rows} (i32.add (local.get $a) ${aRow}) (local.get $sa) (local.get $b) (local.get $sb) (local.get $k)
    (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $sc))) (local.get $sc) (local.get $n))
  (local.set $i (i32.add (local.get $i) (i32.const ${rows})))
  (br $next${rows})))`;
  });
  return `(func (export "${name}") (param $a i32) (param $sa i32) (param $b i32) (param $sb i32) (param $k i32) (param $c i32) (param $sc i32) (param $m i32) (param $n i32)
(local $i i32)
(local.set $sa (i32.shl (local.get $sa) (i32.const 2)))
(local.set $sb (i32.shl (local.get $sb) (i32.const 2)))
(local.set $sc (i32.shl (local.get $sc) (i32.const 2)))
${bands.join('\n')})`;
}

/** Per-channel dot products over `width` channels (16 = 4 vectors, 4 = 1 vector, 1 = scalar) at pa, pb, pc. */
function dotFunction(width: 1 | 4 | 16): string {
  const { count, type, load, store, mul, add, step } = lanesOf(width);
  const lines: string[] = [];
  lines.push(`(func $dot_${width} (param $pa i32) (param $sa i32) (param $pb i32) (param $sb i32) (param $k i32) (param $pc i32)`);
  lines.push(Array.from({ length: count }, (_, v) => `(local $c${v} ${type})`).join(' '));
  lines.push('(if (i32.eqz (local.get $k)) (then (return)))');
  for (let v = 0; v < count; v++) lines.push(`(local.set $c${v} (${load} offset=${v * step} (local.get $pc)))`);
  lines.push('(loop $pixels');
  for (let v = 0; v < count; v++) {
    lines.push(
      `(local.set $c${v} (${add} (local.get $c${v}) (${mul} (${load} offset=${v * step} (local.get $pa)) (${load} offset=${v * step} (local.get $pb)))))`,
    );
  }
  lines.push('(local.set $pa (i32.add (local.get $pa) (local.get $sa)))');
  lines.push('(local.set $pb (i32.add (local.get $pb) (local.get $sb)))');
  lines.push('(br_if $pixels (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))');
  for (let v = 0; v < count; v++) lines.push(`(${store} offset=${v * step} (local.get $pc) (local.get $c${v}))`);
  lines.push(')');
  return lines.join('\n');
}

/** c[t·sc + j] += a[t·sa + j] · w[j] over `width` channels (16, 4 or 1) at pa, pw, pc; byte strides. */
function scaleAddFunction(width: 1 | 4 | 16): string {
  const { count, type, load, store, mul, add, step } = lanesOf(width);
  const lines: string[] = [];
  lines.push(`(func $scale_add_${width} (param $pa i32) (param $sa i32) (param $pw i32) (param $pc i32) (param $sc i32) (param $k i32)`);
  lines.push(Array.from({ length: count }, (_, v) => `(local $w${v} ${type})`).join(' '));
  lines.push('(if (i32.eqz (local.get $k)) (then (return)))');
  for (let v = 0; v < count; v++) lines.push(`(local.set $w${v} (${load} offset=${v * step} (local.get $pw)))`);
  lines.push('(loop $pixels');
  for (let v = 0; v < count; v++) {
    lines.push(
      `(${store} offset=${v * step} (local.get $pc) (${add} (${load} offset=${v * step} (local.get $pc)) (${mul} (${load} offset=${v * step} (local.get $pa)) (local.get $w${v}))))`,
    );
  }
  lines.push('(local.set $pa (i32.add (local.get $pa) (local.get $sa)))');
  lines.push('(local.set $pc (i32.add (local.get $pc) (local.get $sc)))');
  lines.push('(br_if $pixels (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))');
  lines.push(')');
  return lines.join('\n');
}

/**
 * An exported function over `n` channels in blocks of 16, then 4, then 1: `call(width, at)` calls
 * the block function of that width, `at(p)` being pointer param p advanced to the block. The
 * `byteStrides` params are given in elements and converted to bytes first.
 */
function channelBlocksFunction(name: string, params: string[], byteStrides: string[], call: (width: 1 | 4 | 16, at: (p: string) => string) => string): string {
  const at = (p: string) => `(i32.add (local.get ${p}) (i32.shl (local.get $j) (i32.const 2)))`;
  const blocks = ([16, 4, 1] as const).map((width) => {
    const fits = width === 1 ? '(i32.ge_u (local.get $j) (local.get $n))' : `(i32.gt_u (i32.add (local.get $j) (i32.const ${width})) (local.get $n))`;
    return `(block $done${width} (loop $next${width}
  (br_if $done${width} ${fits})
  ${call(width, at)}
  (local.set $j (i32.add (local.get $j) (i32.const ${width})))
  (br $next${width})))`;
  });
  return `(func (export "${name}") ${params.map((q) => `(param ${q} i32)`).join(' ')} (param $n i32)
(local $j i32)
${byteStrides.map((q) => `(local.set ${q} (i32.shl (local.get ${q}) (i32.const 2)))`).join('\n')}
${blocks.join('\n')})`;
}

const DOT_CHANNELS = channelBlocksFunction(
  'dot_channels',
  ['$a', '$sa', '$b', '$sb', '$k', '$c'],
  ['$sa', '$sb'],
  (width, at) => `(call $dot_${width} ${at('$a')} (local.get $sa) ${at('$b')} (local.get $sb) (local.get $k) ${at('$c')})`,
);

const SCALE_ADD_CHANNELS = channelBlocksFunction(
  'scale_add_channels',
  ['$a', '$sa', '$w', '$c', '$sc', '$k'],
  ['$sa', '$sc'],
  (width, at) => `(call $scale_add_${width} ${at('$a')} (local.get $sa) ${at('$w')} ${at('$c')} (local.get $sc) (local.get $k))`,
);

/**
 * A pass over `n` rows of `c` channels (c a multiple of 4) of [n, c] arrays, a vector of 4
 * channels at a time: `body` sees `$e` (the byte offset of the vector in every [n, c] array) and
 * `$j` (its byte offset in every per-channel [c] array). `params` are i32 addresses.
 */
function channelPass(name: string, params: string[], body: string): string {
  const address = (array: string, offset: '$e' | '$j') => `(i32.add (local.get ${array}) (local.get ${offset}))`;
  const expanded = body.replace(/\{(\$\w+)\}/g, (_, array: string) => address(array, '$e')).replace(/\[(\$\w+)\]/g, (_, array: string) => address(array, '$j'));
  return `(func (export "${name}") ${params.map((q) => `(param ${q} i32)`).join(' ')} (param $n i32) (param $c i32)
(local $e i32) (local $j i32) (local $end i32) (local $row i32)
(local.set $end (i32.shl (i32.mul (local.get $n) (local.get $c)) (i32.const 2)))
(local.set $row (i32.shl (local.get $c) (i32.const 2)))
(if (i32.eqz (local.get $end)) (then (return)))
(loop $elements
  (local.set $j (i32.const 0))
  (loop $channels
    ${expanded}
    (local.set $e (i32.add (local.get $e) (i32.const 16)))
    (br_if $channels (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $row))))
  (br_if $elements (i32.lt_u (local.get $e) (local.get $end)))))`;
}

/*
 * The passes of training-mode batch normalisation (engine/ops: fused batch norm), with {a} the
 * vector of [n, c] array a at the current element and [a] that of per-channel array a:
 *   channel_sums:        [out] += {x}
 *   centred_squares:     [out] += ({x} − [mean])²
 *   normalise:           {xhat} = ({x} − [mean])·[r];  {y} = {xhat}·[gamma] + [beta]
 *   gradient_sums:       [sumDy] += {dy};  [sumDyXhat] += {dy}·{xhat}
 *   input_gradient:      {dx} = [scale]·({dy} − [a] − {xhat}·[b])
 */
const f32x4 = (op: string, ...args: string[]) => `(f32x4.${op} ${args.join(' ')})`;
const ld = (address: string) => `(v128.load ${address})`;
const BATCH_NORM_PASSES = [
  channelPass('channel_sums', ['$x', '$out'], `(v128.store [$out] ${f32x4('add', ld('[$out]'), ld('{$x}'))})`),
  channelPass(
    'centred_squares',
    ['$x', '$mean', '$out'],
    `(local.set $d ${f32x4('sub', ld('{$x}'), ld('[$mean]'))}) (v128.store [$out] ${f32x4('add', ld('[$out]'), f32x4('mul', '(local.get $d)', '(local.get $d)'))})`,
  ),
  channelPass(
    'normalise',
    ['$x', '$mean', '$r', '$gamma', '$beta', '$xhat', '$y'],
    `(local.set $d ${f32x4('mul', f32x4('sub', ld('{$x}'), ld('[$mean]')), ld('[$r]'))}) (v128.store {$xhat} (local.get $d)) (v128.store {$y} ${f32x4('add', f32x4('mul', '(local.get $d)', ld('[$gamma]')), ld('[$beta]'))})`,
  ),
  channelPass(
    'gradient_sums',
    ['$dy', '$xhat', '$sumDy', '$sumDyXhat'],
    `(local.set $d ${ld('{$dy}')}) (v128.store [$sumDy] ${f32x4('add', ld('[$sumDy]'), '(local.get $d)')}) (v128.store [$sumDyXhat] ${f32x4('add', ld('[$sumDyXhat]'), f32x4('mul', '(local.get $d)', ld('{$xhat}')))})`,
  ),
  channelPass(
    'input_gradient',
    ['$dy', '$xhat', '$a', '$b', '$scale', '$dx'],
    `(v128.store {$dx} ${f32x4('mul', ld('[$scale]'), f32x4('sub', f32x4('sub', ld('{$dy}'), ld('[$a]')), f32x4('mul', ld('{$xhat}'), ld('[$b]'))))})`,
  ),
].map((text) => text.replace('(local $e i32)', '(local $e i32) (local $d v128)'));

/**
 * An exported pass over `n` floats of the arrays `inputs` into `output`: vectors of 4, then a
 * scalar tail. `value(lanes, at)` is the expression of one vector (or scalar) of the output, `at(a)`
 * being array a's load at the current element.
 */
function elementwisePass(name: string, inputs: string[], output: string, value: (lanes: ReturnType<typeof lanesOf>, at: (array: string) => string) => string): string {
  const loop = (width: 4 | 1, done: string, end: string) => {
    const lanes = lanesOf(width);
    const at = (array: string) => `(${lanes.load} (i32.add (local.get ${array}) (local.get $e)))`;
    return `(block $${done} (loop $${done}_next
  (br_if $${done} (i32.ge_u (local.get $e) (local.get ${end})))
  (${lanes.store} (i32.add (local.get ${output}) (local.get $e)) ${value(lanes, at)})
  (local.set $e (i32.add (local.get $e) (i32.const ${lanes.step})))
  (br $${done}_next)))`;
  };
  return `(func (export "${name}") ${[...inputs, output].map((q) => `(param ${q} i32)`).join(' ')} (param $n i32)
(local $e i32) (local $end i32) (local $vectorsEnd i32)
(local.set $end (i32.shl (local.get $n) (i32.const 2)))
(local.set $vectorsEnd (i32.and (local.get $end) (i32.const -16)))
${loop(4, 'vectors', '$vectorsEnd')}
${loop(1, 'scalars', '$end')})`;
}

/** A constant of every lane (or the scalar). */
const constant = (lanes: ReturnType<typeof lanesOf>, value: number) =>
  lanes.type === 'v128' ? `(f32x4.splat (f32.const ${value}))` : `(f32.const ${value})`;

/**
 * swish_gradient(dy, x, s, dx, n): dx = dy·s·(1 + x·(1 − s)) (s = σ(x), saved by the forward pass):
 * the gradient of x·σ(x) in one pass instead of five kernels.
 */
const SWISH_GRADIENT = elementwisePass('swish_gradient', ['$dy', '$x', '$s'], '$dx', (lanes, at) => {
  const op = (name: string, a: string, b: string) => `(${lanes.type === 'v128' ? 'f32x4' : 'f32'}.${name} ${a} ${b})`;
  return op('mul', op('mul', at('$dy'), at('$s')), op('add', constant(lanes, 1), op('mul', at('$x'), op('sub', constant(lanes, 1), at('$s')))));
});

/**
 * relu_gradient(dy, x, dx, n): dx = x > 0 ? dy : 0, one pass where tfjs's gradient of relu runs
 * three kernels (step, a cast, a product). Vectors mask dy's bits with the comparison.
 */
const RELU_GRADIENT = elementwisePass('relu_gradient', ['$dy', '$x'], '$dx', (lanes, at) =>
  lanes.type === 'v128'
    ? `(v128.and ${at('$dy')} (f32x4.gt ${at('$x')} ${constant(lanes, 0)}))`
    : `(select ${at('$dy')} (f32.const 0) (f32.gt ${at('$x')} (f32.const 0)))`,
);

/**
 * max_pool_grad_window(x, dx, dy, rows, cols, pixel, row, c): one output pixel of a max pool's
 * gradient. Over the window of rows × cols pixels at x (byte strides `pixel` and `row`), finds
 * per channel the first maximum in row-major order (strict >, so −∞ and NaN never win) and adds
 * the pixel's dy there into dx (dx at the same offset from its own start as x). 4 channels per
 * vector (the winner's byte offset kept with a bitselect), then a scalar tail.
 */
const lane = (k: number) => `
    (local.set $o (i32x4.extract_lane ${k} (local.get $at)))
    (if (i32.ge_s (local.get $o) (i32.const 0)) (then
      (local.set $a (i32.add (i32.add (local.get $dx) (local.get $o)) (i32.add (local.get $j) (i32.const ${4 * k}))))
      (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load offset=${4 * k} (i32.add (local.get $dy) (local.get $j)))))))`;
const windowScan = (vector: boolean) => {
  const [load, gt, best, at] = vector
    ? ['v128.load', 'f32x4.gt', '(v128.bitselect (local.get $v) (local.get $best) (local.get $m))', '(v128.bitselect (i32x4.splat (local.get $o)) (local.get $at) (local.get $m))']
    : ['f32.load', 'f32.gt', '(select (local.get $vs) (local.get $bests) (local.get $ms))', '(select (local.get $o) (local.get $ats) (local.get $ms))'];
  const [v, m, b, a] = vector ? ['$v', '$m', '$best', '$at'] : ['$vs', '$ms', '$bests', '$ats'];
  return `(local.set $rowAt (i32.const 0))
    (local.set $r (local.get $rows))
    (loop $r_${vector ? 'v' : 's'}
      (local.set $o (local.get $rowAt))
      (local.set $q (local.get $cols))
      (loop $q_${vector ? 'v' : 's'}
        (local.set ${v} (${load} (i32.add (i32.add (local.get $x) (local.get $o)) (local.get $j))))
        (local.set ${m} (${gt} (local.get ${v}) (local.get ${b})))
        (local.set ${b} ${best})
        (local.set ${a} ${at})
        (local.set $o (i32.add (local.get $o) (local.get $pixel)))
        (br_if $q_${vector ? 'v' : 's'} (local.tee $q (i32.sub (local.get $q) (i32.const 1)))))
      (local.set $rowAt (i32.add (local.get $rowAt) (local.get $row)))
      (br_if $r_${vector ? 'v' : 's'} (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))`;
};
const MAX_POOL_GRAD_WINDOW = `(func (export "max_pool_grad_window") (param $x i32) (param $dx i32) (param $dy i32) (param $rows i32) (param $cols i32) (param $pixel i32) (param $row i32) (param $c i32)
(local $j i32) (local $end i32) (local $vectorsEnd i32) (local $r i32) (local $q i32) (local $o i32) (local $rowAt i32) (local $a i32)
(local $v v128) (local $m v128) (local $best v128) (local $at v128)
(local $vs f32) (local $ms i32) (local $bests f32) (local $ats i32)
(if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $cols))) (then (return)))
(local.set $end (i32.shl (local.get $c) (i32.const 2)))
(local.set $vectorsEnd (i32.and (local.get $end) (i32.const -16)))
(block $vectorsDone (loop $vectors
  (br_if $vectorsDone (i32.ge_u (local.get $j) (local.get $vectorsEnd)))
  (local.set $best (f32x4.splat (f32.const -inf)))
  (local.set $at (i32x4.splat (i32.const -1)))
  ${windowScan(true)}
  ${[0, 1, 2, 3].map(lane).join('')}
  (local.set $j (i32.add (local.get $j) (i32.const 16)))
  (br $vectors)))
(block $scalarsDone (loop $scalars
  (br_if $scalarsDone (i32.ge_u (local.get $j) (local.get $end)))
  (local.set $bests (f32.const -inf))
  (local.set $ats (i32.const -1))
  ${windowScan(false)}
  (if (i32.ge_s (local.get $ats) (i32.const 0)) (then
    (local.set $a (i32.add (i32.add (local.get $dx) (local.get $ats)) (local.get $j)))
    (f32.store (local.get $a) (f32.add (f32.load (local.get $a)) (f32.load (i32.add (local.get $dy) (local.get $j)))))))
  (local.set $j (i32.add (local.get $j) (i32.const 4)))
  (br $scalars))))`;

/** The whole module: it imports the heap (`env.memory`) of the tfjs wasm backend it runs on. */
export function simdKernelText(): string {
  return [
    '(module',
    '(memory (import "env" "memory") 1)',
    ...GEMM_TILES.map(tileFunction),
    ...(['columns', 'rows'] as const).flatMap((a) => [bandFunction(4, a), bandFunction(1, a), gemmFunction(a)]),
    dotFunction(16),
    dotFunction(4),
    dotFunction(1),
    DOT_CHANNELS,
    scaleAddFunction(16),
    scaleAddFunction(4),
    scaleAddFunction(1),
    SCALE_ADD_CHANNELS,
    ...BATCH_NORM_PASSES,
    SWISH_GRADIENT,
    RELU_GRADIENT,
    MAX_POOL_GRAD_WINDOW,
    ')',
  ].join('\n');
}

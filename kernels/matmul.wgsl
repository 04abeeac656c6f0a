// Tiled matrix product with an optional dense-layer epilogue:
//   C[m×n] = act(op(A)[m×k] · op(B)[k×n] + bias[n])
// where op transposes a stored operand when TRANS_A / TRANS_B is set (A stored
// [k×m], B stored [n×k]), which gives the AᵀB and ABᵀ products of backprop
// without a transposed copy.
//
// Thread layout: a 16×16 workgroup computes a 64×64 tile of C. Each step over k
// stages a 64×16 tile of op(A) and a 16×64 tile of op(B) in workgroup memory
// (8 KiB), four values per thread each, then every thread accumulates a 4×4
// block of C: rows local_id.y + 16·r, columns local_id.x + 16·c, so that
// neighbouring threads read neighbouring words of the B tile. Out-of-range
// loads read 0, so any m, k, n works. The transposes are override constants
// because they shape the inner loads; the epilogue (bias, activation) reads
// uniforms, so that matmul and dense share four pipelines.
// Host dispatch: (⌈n / 64⌉, ⌈m / 64⌉, 1) workgroups.

const TILE_M = 64u;
const TILE_N = 64u;
const TILE_K = 16u;

override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Params {
  m: u32,
  k: u32,
  n: u32,
  // An activation code of activation.wgsl, and 1 to add bias[column].
  activation: u32,
  hasBias: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

var<workgroup> tileA: array<array<f32, TILE_K>, TILE_M>;
var<workgroup> tileB: array<array<f32, TILE_N>, TILE_K>;

fn loadA(row: u32, inner: u32) -> f32 {
  if (row >= params.m || inner >= params.k) {
    return 0.0;
  }
  if (TRANS_A) {
    return a[inner * params.m + row];
  }
  return a[row * params.k + inner];
}

fn loadB(inner: u32, col: u32) -> f32 {
  if (inner >= params.k || col >= params.n) {
    return 0.0;
  }
  if (TRANS_B) {
    return b[col * params.k + inner];
  }
  return b[inner * params.n + col];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let rowBase = group.y * TILE_M;
  let colBase = group.x * TILE_N;
  let thread = local.y * 16u + local.x;
  var acc: array<array<f32, 4>, 4>;

  for (var k0 = 0u; k0 < params.k; k0 += TILE_K) {
    for (var l = 0u; l < 4u; l++) {
      let e = thread + l * 256u;
      tileA[e / TILE_K][e % TILE_K] = loadA(rowBase + e / TILE_K, k0 + e % TILE_K);
      tileB[e / TILE_N][e % TILE_N] = loadB(k0 + e / TILE_N, colBase + e % TILE_N);
    }
    workgroupBarrier();

    for (var kk = 0u; kk < TILE_K; kk++) {
      var aValues: array<f32, 4>;
      var bValues: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) {
        aValues[r] = tileA[local.y + 16u * r][kk];
        bValues[r] = tileB[kk][local.x + 16u * r];
      }
      for (var r = 0u; r < 4u; r++) {
        for (var col = 0u; col < 4u; col++) {
          acc[r][col] += aValues[r] * bValues[col];
        }
      }
    }
    workgroupBarrier();
  }

  for (var r = 0u; r < 4u; r++) {
    let row = rowBase + local.y + 16u * r;
    for (var col = 0u; col < 4u; col++) {
      let column = colBase + local.x + 16u * col;
      if (row < params.m && column < params.n) {
        var value = acc[r][col];
        if (params.hasBias == 1u) {
          value += bias[column];
        }
        c[row * params.n + column] = activate(params.activation, value);
      }
    }
  }
}

// Pairwise squared Euclidean distances between the rows of A [m×d] and of
// B [n×d], both row-major: D[i, j] = Σ_p (A[i, p] − B[j, p])², or when
// params.rbf is 1 the RBF kernel K[i, j] = exp(−γ · D[i, j]).
//
// The difference form avoids the cancellation of ‖a‖² + ‖b‖² − 2a·b for near
// neighbours. Thread layout as in matmul.wgsl: a 16×16 workgroup computes a
// 64×64 tile of D from 64×16 tiles of A and of B staged in workgroup memory,
// each thread a 4×4 block. Out-of-range features read 0 on both sides and so
// add nothing. Host dispatch: (⌈n / 64⌉, ⌈m / 64⌉, 1) workgroups.

const TILE = 64u;
const TILE_K = 16u;

struct Params {
  m: u32,
  n: u32,
  d: u32,
  gamma: f32,
  rbf: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

var<workgroup> tileA: array<array<f32, TILE_K>, TILE>;
var<workgroup> tileB: array<array<f32, TILE>, TILE_K>;

fn loadA(row: u32, feature: u32) -> f32 {
  if (row >= params.m || feature >= params.d) {
    return 0.0;
  }
  return a[row * params.d + feature];
}

fn loadB(row: u32, feature: u32) -> f32 {
  if (row >= params.n || feature >= params.d) {
    return 0.0;
  }
  return b[row * params.d + feature];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let rowBase = group.y * TILE;
  let colBase = group.x * TILE;
  let thread = local.y * 16u + local.x;
  var acc: array<array<f32, 4>, 4>;

  for (var k0 = 0u; k0 < params.d; k0 += TILE_K) {
    for (var l = 0u; l < 4u; l++) {
      let e = thread + l * 256u;
      tileA[e / TILE_K][e % TILE_K] = loadA(rowBase + e / TILE_K, k0 + e % TILE_K);
      tileB[e % TILE_K][e / TILE_K] = loadB(colBase + e / TILE_K, k0 + e % TILE_K);
    }
    workgroupBarrier();

    for (var kk = 0u; kk < TILE_K; kk++) {
      for (var r = 0u; r < 4u; r++) {
        let aValue = tileA[local.y + 16u * r][kk];
        for (var col = 0u; col < 4u; col++) {
          let difference = aValue - tileB[kk][local.x + 16u * col];
          acc[r][col] += difference * difference;
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
        let squared = acc[r][col];
        out[row * params.n + column] = select(squared, exp(-params.gamma * squared), params.rbf == 1u);
      }
    }
  }
}

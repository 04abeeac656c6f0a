// Broadcast read: out (shape outShape) takes x read through strides that are 0
// on the axes x is broadcast along, rank ≤ 8, one thread per output element.
// Host dispatch: ⌈size / 256⌉ workgroups, folded.

struct Params {
  size: u32,
  rank: u32,
  _pad0: u32,
  _pad1: u32,
  outShape: array<vec4<u32>, 2>,
  strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3<u32>, @builtin(local_invocation_index) local: u32, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flatIndex(id, local, groups);
  if (i >= params.size) {
    return;
  }
  var rest = i;
  var index = 0u;
  for (var axis = i32(params.rank) - 1; axis >= 0; axis--) {
    let extent = packed(params.outShape, u32(axis));
    index += (rest % extent) * packed(params.strides, u32(axis));
    rest = rest / extent;
  }
  out[i] = x[index];
}

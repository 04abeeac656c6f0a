/**
 * A dense row-major float32 matrix of shape [rows, cols]: the currency between
 * data loading, models and attacks. Models turn it into engine tensors.
 */
export class Matrix {
  readonly data: Float32Array;

  constructor(
    readonly rows: number,
    readonly cols: number,
    data?: Float32Array,
  ) {
    if (data && data.length !== rows * cols) {
      throw new RangeError(`Matrix: data contains ${data.length} values, shape [${rows}, ${cols}] needs ${rows * cols}`);
    }
    this.data = data ?? new Float32Array(rows * cols);
  }

  static fromRows(rows: ArrayLike<number>[]): Matrix {
    const cols = rows.length === 0 ? 0 : rows[0].length;
    const matrix = new Matrix(rows.length, cols);
    rows.forEach((row, i) => {
      if (row.length !== cols) throw new RangeError(`Matrix.fromRows: row ${i} has ${row.length} values, row 0 has ${cols}`);
      matrix.data.set(Array.from(row), i * cols);
    });
    return matrix;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  row(i: number): Float32Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Copies the rows at `indices`, in that order. */
  takeRows(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(indices.length, this.cols);
    for (let r = 0; r < indices.length; r++) {
      const start = indices[r] * this.cols;
      out.data.set(this.data.subarray(start, start + this.cols), r * this.cols);
    }
    return out;
  }

  /** Copies the columns at `indices`, in that order. */
  takeColumns(indices: ArrayLike<number>): Matrix {
    const out = new Matrix(this.rows, indices.length);
    for (let i = 0; i < this.rows; i++) {
      for (let c = 0; c < indices.length; c++) {
        out.data[i * indices.length + c] = this.data[i * this.cols + indices[c]];
      }
    }
    return out;
  }
}

/** Class labels, one integer in 0 … nClasses−1 per row. */
export type Labels = Int32Array;

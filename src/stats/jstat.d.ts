/**
 * Types for the parts of jstat 1.9 that miascope calls. The package ships no
 * declarations and DefinitelyTyped has none, so this covers only the Student t
 * distribution.
 */
declare module 'jstat' {
  interface StudentT {
    /** P[T ≤ t] for Student's t with `dof` degrees of freedom. */
    cdf(t: number, dof: number): number;
    /** The p-quantile of Student's t with `dof` degrees of freedom. */
    inv(p: number, dof: number): number;
  }
  const jstat: { jStat: { studentt: StudentT } };
  export default jstat;
}

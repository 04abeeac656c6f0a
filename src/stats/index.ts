export { meanInterval, type MeanInterval } from './interval.ts';
export { averageRanks, pearson, spearman, type Correlation } from './correlation.ts';
export { studentTQuantile, studentTTwoSidedP } from './student-t.ts';

import cliProgress from 'cli-progress';
import type { RunProgress } from '../../experiments/runner.ts';

/** Progress display of an experiment run, fed by the runner's `onProgress`. */
export interface TrialProgress {
  update(progress: RunProgress): void;
  stop(): void;
}

/**
 * Creates the progress display of an experiment run on stderr. A terminal gets
 * a bar with trials done, trials per minute and time left. Elsewhere (a batch
 * job's log) one line per tenth of the trials is printed, and nothing when quiet.
 */
export function createTrialProgress(quiet: boolean, workers: number, stream: NodeJS.WriteStream = process.stderr): TrialProgress {
  if (quiet) return { update: () => {}, stop: () => {} };

  const start = Date.now();
  const perMinute = (done: number): number => done / Math.max((Date.now() - start) / 60_000, 1e-9);
  let announced = false;
  const announce = (progress: RunProgress): void => {
    if (announced) return;
    announced = true;
    const skipped = progress.skipped > 0 ? `, ${progress.skipped} already done` : '';
    stream.write(`miascope: ${progress.total} trials to run on ${workers} worker(s)${skipped}\n`);
  };

  if (!stream.isTTY) {
    let reportedTenths = 0;
    return {
      update(progress) {
        announce(progress);
        const tenths = progress.total === 0 ? 10 : Math.floor((10 * progress.done) / progress.total);
        if (progress.done === 0 || tenths <= reportedTenths) return;
        reportedTenths = tenths;
        const rate = perMinute(progress.done);
        const minutesLeft = (progress.total - progress.done) / rate;
        stream.write(`miascope: ${progress.done}/${progress.total} trials, ${rate.toFixed(1)} trials/min, about ${minutesLeft.toFixed(1)} min left\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'trials |{bar}| {value}/{total} · {rate} trials/min · {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      announce(progress);
      const payload = { rate: progress.done === 0 ? '–' : perMinute(progress.done).toFixed(1) };
      if (!started) {
        bar.start(progress.total, progress.done, payload);
        started = true;
      } else {
        bar.update(progress.done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

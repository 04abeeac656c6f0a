import cliProgress from 'cli-progress';

/** Reports training progress on stderr: a bar on a terminal, one line per stage elsewhere, nothing when quiet. */
export interface ProgressReporter {
  /** `fraction` of all training work done, in [0, 1]. */
  update(stage: string, fraction: number, loss: number): void;
  stop(): void;
}

export function createProgressReporter(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (quiet) return { update: () => {}, stop: () => {} };

  if (!stream.isTTY) {
    const announced = new Set<string>();
    return {
      update(stage) {
        if (announced.has(stage)) return;
        announced.add(stage);
        stream.write(`miascope: training the ${stage}\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'training {stage} |{bar}| {percentage}% · loss {loss} · {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(stage, fraction, loss) {
      const payload = { stage, loss: loss.toFixed(4) };
      const permille = Math.round(1000 * fraction);
      if (!started) {
        bar.start(1000, permille, payload);
        started = true;
      } else {
        bar.update(permille, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

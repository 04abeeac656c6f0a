import cliProgress from 'cli-progress';

/** Reports training progress on stderr: a bar on a terminal, one line per stage elsewhere, nothing when quiet. */
export interface ProgressReporter {
  update(stage: string, completed: number, total: number, loss: number): void;
  stop(): void;
}

export function createProgressReporter(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (quiet) return { update: () => {}, stop: () => {} };

  if (!stream.isTTY) {
    let lastStage = '';
    return {
      update(stage) {
        if (stage === lastStage) return;
        lastStage = stage;
        stream.write(`miascope: training the ${stage} model${stage === 'attack' ? 's' : ''}\n`);
      },
      stop() {},
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'training {stage} |{bar}| {value}/{total} epochs · loss {loss} · {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(stage, completed, total, loss) {
      const payload = { stage: stage.padEnd(6), loss: loss.toFixed(4) };
      if (!started) {
        bar.start(total, completed, payload);
        started = true;
      } else {
        bar.update(completed, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

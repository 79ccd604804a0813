import { Presets, SingleBar } from 'cli-progress';

/** Where progress goes: stderr, so stdout stays clean for what scripts read. */
type ProgressStream = Pick<NodeJS.WriteStream, 'write'> & Partial<Pick<NodeJS.WriteStream, 'isTTY'>>;

export interface Progress {
  /** `by` more units are done. */
  increment(by?: number): void;
  /** Ends the bar (it stays on screen, finished); safe to call twice. */
  stop(): void;
}

export interface ProgressOptions {
  /** What is being done, e.g. `seeding`. */
  label: string;
  total: number;
  /** What is counted, e.g. `articles`. */
  unit: string;
  stream?: ProgressStream;
  /** Without a terminal: the least time between two plain progress lines. */
  plainIntervalMs?: number;
  now?: () => number;
}

/** Plain progress lines on a pipe or file: at most one per this many milliseconds. */
const PLAIN_PROGRESS_INTERVAL_MS = 5000;

/**
 * A progress bar for long work on a terminal (cli-progress, on stderr); on anything else (a pipe, a
 * file, CI) a plain line such as `seeding: 4000/10000 articles (40%)` at most every few seconds,
 * so logs stay readable and short runs print nothing.
 */
export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const total = Math.max(0, options.total);
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 20,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    let stopped = false;
    return {
      increment: (by = 1) => bar.increment(by),
      stop: () => {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }
  const now = options.now ?? Date.now;
  const interval = options.plainIntervalMs ?? PLAIN_PROGRESS_INTERVAL_MS;
  let done = 0;
  let last = now();
  return {
    increment: (by = 1) => {
      done += by;
      if (done < total && now() - last >= interval) {
        last = now();
        const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
        stream.write(`${options.label}: ${done}/${total} ${options.unit} (${percent}%)\n`);
      }
    },
    stop: () => undefined,
  };
}

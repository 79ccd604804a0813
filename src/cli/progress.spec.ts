import { startProgress } from './progress';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    isTTY,
    columns: 120,
    write: (chunk: string) => (written.push(chunk), true),
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    clearScreenDown: () => true,
    on: () => undefined,
    removeListener: () => undefined,
  };
}

describe('startProgress', () => {
  it('draws a bar on a terminal, on the stream it is given', () => {
    const tty = stream(true);
    const progress = startProgress({ label: 'seeding', total: 4, unit: 'articles', stream: tty as never });
    progress.increment(2);
    progress.increment(2);
    progress.stop();
    progress.stop();
    expect(tty.written.join('')).toContain('seeding [');
    expect(tty.written.join('')).toContain('4/4 articles');
  });

  it('without a terminal prints a plain line at most once per interval, and nothing for short work', () => {
    const pipe = stream(false);
    let now = 0;
    const progress = startProgress({ label: 'refreshing', total: 10, unit: 'sources', stream: pipe, plainIntervalMs: 5000, now: () => now });
    progress.increment();
    now = 4000;
    progress.increment();
    expect(pipe.written).toEqual([]);
    now = 5000;
    progress.increment();
    now = 6000;
    progress.increment();
    now = 10_000;
    progress.increment();
    expect(pipe.written).toEqual(['refreshing: 3/10 sources (30%)\n', 'refreshing: 5/10 sources (50%)\n']);
    now = 20_000;
    progress.increment(5);
    progress.stop();
    // The end is the command's own report, not a progress line.
    expect(pipe.written).toHaveLength(2);
  });
});

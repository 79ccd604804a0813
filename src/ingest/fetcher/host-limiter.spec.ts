import { HostLimiter } from './host-limiter';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('HostLimiter', () => {
  it('runs at most N tasks per host and starts the rest in FIFO order', async () => {
    const limiter = new HostLimiter(2);
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      limiter.run('https://News.Example/feed', async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.active('news.example')).toBe(2);
    expect(limiter.queued('news.example')).toBe(2);

    gates[1].resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2].resolve();
    gates[3].resolve();
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3]);
    expect(limiter.active('news.example')).toBe(0);
    expect(limiter.queued('news.example')).toBe(0);
  });

  it('keeps hosts independent', async () => {
    const limiter = new HostLimiter(1);
    const gate = deferred();
    const a = limiter.run('a.example', () => gate.promise);
    let bRan = false;
    await limiter.run('b.example', async () => {
      bRan = true;
    });
    expect(bRan).toBe(true);
    gate.resolve();
    await a;
  });

  it('frees the slot when a task fails, and release is idempotent', async () => {
    const limiter = new HostLimiter(1);
    await expect(limiter.run('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const release = await limiter.acquire('x');
    release();
    release();
    expect(limiter.active('x')).toBe(0);
    const again = await limiter.acquire('x');
    expect(limiter.active('x')).toBe(1);
    again();
  });

  it('lets a waiter leave the queue when its signal aborts', async () => {
    const limiter = new HostLimiter(1);
    const release = await limiter.acquire('x');
    const controller = new AbortController();
    const waiting = limiter.acquire('x', controller.signal);
    expect(limiter.queued('x')).toBe(1);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(limiter.queued('x')).toBe(0);
    release();
    expect(limiter.active('x')).toBe(0);
  });

  it('refuses a limit below 1', () => {
    expect(() => new HostLimiter(0)).toThrow(RangeError);
  });
});

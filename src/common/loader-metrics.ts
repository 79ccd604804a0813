import type DataLoader from 'dataloader';

/** Told the size of every batch a named loader sends to its batch function. */
export type BatchObserver = (loader: string, size: number) => void;

/**
 * Reports each loader's batch sizes under its key in `loaders` (`sourceById`, ...). DataLoader has
 * no hook for it, so its batch function (the `_batchLoadFn` field of dataloader 2.x, pinned in
 * package.json) is wrapped in place: one closure per loader per request, a call per batch. If a
 * future version moves the field, nothing breaks and the metric test fails.
 */
export function observeBatches<L extends object>(loaders: L, observe: BatchObserver): L {
  for (const name of Object.keys(loaders)) {
    const loader = (loaders as Record<string, unknown>)[name] as DataLoader<unknown, unknown> & {
      _batchLoadFn?: (keys: readonly unknown[]) => PromiseLike<ArrayLike<unknown>>;
    };
    const batch = loader?._batchLoadFn;
    if (typeof batch !== 'function') continue;
    loader._batchLoadFn = (keys) => {
      observe(name, keys.length);
      return batch(keys);
    };
  }
  return loaders;
}

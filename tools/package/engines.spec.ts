import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * package.json's `engines` must be true: every package the gateway runs with (the lock file's
 * packages that are not dev-only) accepts every Node version it names. sanitize-html 2.18 declared
 * Node >= 22.12 while `engines` said >= 20.19; this fails on such a package. Dev tooling (codegen's
 * @whatwg-node and listr2 want 22.13-22.15) is left out: it builds and checks, it does not run
 * the gateway, and CI runs it on Node 20 as well.
 */
interface LockEntry {
  dev?: boolean;
  engines?: { node?: string } | string[];
}

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const ours = manifest.engines.node;

/**
 * Packages whose declared range is narrower than what they need, each with why it is accepted:
 * the whole suite runs on Node 20 in CI (.ci/run), through them.
 */
const DECLARED_NARROWER: Record<string, string> = {
  '@whatwg-node/promise-helpers': '2.0.2 declares >=22.15.0; it comes with @apollo/server (@graphql-tools/schema -> utils 12) and is plain promise helpers',
};

describe('engines', () => {
  it('names the maintained Node lines CI runs (20 and 22) and the current LTS', () => {
    for (const version of ['20.19.0', '20.20.2', '22.13.0', '22.22.0', '24.11.0']) expect(semver.satisfies(version, ours)).toBe(true);
    for (const version of ['18.20.0', '20.18.0', '22.12.0']) expect(semver.satisfies(version, ours)).toBe(false);
  });

  it("is true of every package the gateway runs with", () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, entry]) => name !== '' && !entry.dev && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([name, entry]) => !semver.subset(ours, (entry.engines as { node: string }).node) && !(name.replace(/^.*node_modules\//, '') in DECLARED_NARROWER))
      .map(([name, entry]) => `${name.replace(/^.*node_modules\//, '')} wants node ${(entry.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});

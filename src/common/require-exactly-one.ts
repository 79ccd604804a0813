import { BadUserInputError } from './errors/domain-errors';

/** Lookups by one of several keys (`article(id:, slug:, url:)`) take exactly one. */
export function requireExactlyOne(args: Record<string, unknown>, names: string[]): void {
  const given = names.filter((name) => args[name] != null);
  if (given.length !== 1) {
    throw new BadUserInputError(`Pass exactly one of ${names.map((n) => `"${n}"`).join(', ')}.`, { argument: names[0] });
  }
}

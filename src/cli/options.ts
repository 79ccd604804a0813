import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number in [min, max]: anything else is a usage error (exit code 2). */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`Must be a whole number between ${min} and ${max}.`);
    }
    return number;
  };
}

/** A TCP port (0 lets the system choose). */
export const portNumber = wholeNumber(0, 65535);

import { badInput } from "../lib/errors";

/** Runs node:util parseArgs and turns its errors (unknown flag, missing value) into BAD_INPUT (exit 2). */
export function cliArgs<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw badInput((e as Error).message.replace(/\. To specify.*$/s, ""));
  }
}

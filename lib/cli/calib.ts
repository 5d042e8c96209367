/**
 * `calib` — the command-line entry point: `npm run --silent calib -- <command> [options]`.
 * Each command lives in lib/cli/commands/<command>.ts and is imported lazily, so `calib metrics`
 * never loads the database layer. Commands print results on stdout and everything else on stderr.
 */
import { runCalib } from "./main";

runCalib(process.argv.slice(2)).then((code) => process.exit(code));

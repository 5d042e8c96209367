/**
 * `calib` — the command-line entry point (`npm run calib -- <command>`): runs cli/main.ts's dispatcher and exits
 * with its code. A database connection lost while a command waits on it ends the process with one clear message.
 */
import { onLostConnection, unavailableMessage } from "../lib/db/unavailable";
import { runCalib } from "./main";

onLostConnection((err: unknown) => {
  console.error(`calib: ${unavailableMessage(err, `calib ${process.argv[2] ?? ""}`.trim())}`);
  process.exit(1);
});

runCalib(process.argv.slice(2)).then((code) => process.exit(code));

/**
 * The `calib` dispatcher as a function: runs one command and answers its exit code, having printed any error the
 * way the CLI does (an AtlasError as `calib: <file:line…: message>` with its exit code, 2 for bad input; anything
 * else with its stack, exit 1). cli/calib.ts is the process around it; tests call it in-process.
 */
import { AtlasError } from "../lib/errors";
import { diskFullMessage, isDatabaseUnavailable, isDiskFull, unavailableMessage } from "../lib/db/unavailable";

type Command = { run(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  metrics: () => import("./commands/metrics"),
  recalibrate: () => import("./commands/recalibrate"),
  report: () => import("./commands/report"),
  "import-published": () => import("./commands/import-published"),
  import: () => import("./commands/import"),
  recompute: () => import("./commands/recompute"),
  evaluate: () => import("./commands/evaluate"),
  "register-model": () => import("./commands/register-model"),
  jobs: () => import("./commands/jobs"),
  migrate: () => import("./commands/migrate"),
  seed: () => import("./commands/seed"),
  "db-roles": () => import("./commands/db-roles"),
};

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "help") {
    console.error("usage: calib <command> [options]\ncommands:");
    for (const [n, load] of Object.entries(commands)) {
      const summary = await load().then((c) => c.summary, () => "(not available)");
      console.error(`  ${n.padEnd(18)} ${summary}`);
    }
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`calib: unknown command "${name}" (try: calib help)`);
    return 2;
  }
  return (await load()).run(rest);
}

/** Runs `calib <argv>`; never rejects. */
export async function runCalib(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (err) {
    if (err instanceof AtlasError) {
      console.error(`calib: ${err.message}`);
      return err.exitCode;
    }
    const what = `calib ${argv[0] ?? ""}`.trim();
    if (isDatabaseUnavailable(err)) {
      console.error(`calib: ${unavailableMessage(err, what)}`);
      return 1;
    }
    if (isDiskFull(err)) {
      console.error(`calib: ${diskFullMessage(err, what)}`);
      return 1;
    }
    console.error(err);
    return 1;
  }
}

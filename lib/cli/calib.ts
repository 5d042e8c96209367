/**
 * `calib` — the command-line entry point: `npm run --silent calib -- <command> [options]`.
 * Each command lives in lib/cli/commands/<command>.ts and is imported lazily, so `calib metrics`
 * never loads the database layer. Commands print results on stdout and everything else on stderr.
 */
import { AtlasError } from "../errors";
import { diskFullMessage, isDatabaseUnavailable, isDiskFull, onLostConnection, unavailableMessage } from "../db/unavailable";

type Command = { run(argv: string[]): Promise<number>; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  metrics: () => import("./commands/metrics"),
  report: () => import("./commands/report"),
  "import-published": () => import("./commands/import-published"),
  import: () => import("./commands/import"),
  recompute: () => import("./commands/recompute"),
  evaluate: () => import("./commands/evaluate"),
  "register-model": () => import("./commands/register-model"),
  jobs: () => import("./commands/jobs"),
  migrate: () => import("./commands/migrate"),
  seed: () => import("./commands/seed"),
};

async function main(argv: string[]): Promise<number> {
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

const lost = (err: unknown) => {
  console.error(`calib: ${unavailableMessage(err, `calib ${process.argv[2] ?? ""}`.trim())}`);
  process.exit(1);
};
onLostConnection(lost);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof AtlasError) {
      console.error(`calib: ${err.message}`);
      process.exit(err.exitCode);
    }
    if (isDatabaseUnavailable(err)) lost(err);
    if (isDiskFull(err)) {
      console.error(`calib: ${diskFullMessage(err, `calib ${process.argv[2] ?? ""}`.trim())}`);
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  },
);

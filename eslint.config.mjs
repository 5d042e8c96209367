// ESLint: typescript-eslint + Next.js and React Hooks rules. (eslint-config-next is not used: its
// import resolver pulls platform binaries that npm leaves out of the lockfile, which breaks `npm ci`.)
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import redos from "eslint-plugin-redos";
import regexpPlugin from "eslint-plugin-regexp";
import tseslint from "typescript-eslint";

// Dependency direction (ARCHITECTURE.md): app → components → lib; workers → lib; entry points (cli/, scripts/,
// bench/) may import anything; lib/ never imports the UI, the worker or an entry point; components take only
// types from the data layer; bench/ shares helpers with tests through testkit/, never tests/ itself.
const DIRS = ["app", "components", "lib", "workers", "cli", "scripts", "bench", "tests", "testkit"];
const forbid = (dir) => [`**/${dir}/**`, `@/${dir}/**`, `**/${dir}`, `@/${dir}`];
function layer(files, forbidden, extra = []) {
  const patterns = forbidden.map((d) => ({
    group: forbid(d),
    message: `${files[0].split("/")[0]}/ must not import ${d}/ (dependency direction: ARCHITECTURE.md)`,
  }));
  return {
    files,
    ignores: ["**/*.test.ts", "**/*.test.tsx", "**/testing/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [...patterns, ...extra] }] },
  };
}
const others = (...allowed) => DIRS.filter((d) => !allowed.includes(d));
const boundaries = [
  layer(["lib/**"], others("lib")),
  layer(["components/**"], others("components", "lib"), [
    { group: ["**/lib/db/**", "@/lib/db/**"], allowTypeImports: true, message: "components/ take only types from the data layer (lib/db): data arrives as props" },
  ]),
  layer(["app/**"], others("app", "components", "lib")),
  layer(["workers/**"], others("workers", "lib")),
  layer(["bench/**"], ["tests"]),
  layer(["testkit/**"], ["tests", "bench", "app", "components"]),
];

// ATLAS_* variables are read only through lib/env.ts (validated, defaults and docs in one table): a direct read
// elsewhere fails lint. Writing one (a test or bench setting it for itself or a child process) stays allowed.
const ENV_READ = "[object.type='MemberExpression'][object.object.name='process'][object.property.name='env']";
const NOT_WRITTEN = ":not(AssignmentExpression[operator='='] > MemberExpression.left):not(UnaryExpression[operator='delete'] > MemberExpression)";
const ENV_MESSAGE = "read ATLAS_* variables through readEnv() in lib/env.ts (validated, documented in .env.example)";
const envReads = {
  files: ["**/*.ts", "**/*.tsx", "**/*.mjs", "**/*.js"],
  ignores: ["lib/env.ts"],
  rules: {
    "no-restricted-syntax": [
      "error",
      { selector: `MemberExpression${ENV_READ}[property.name=/^ATLAS_/]${NOT_WRITTEN}`, message: ENV_MESSAGE },
      { selector: `MemberExpression${ENV_READ}[property.value=/^ATLAS_/]${NOT_WRITTEN}`, message: ENV_MESSAGE },
      {
        selector: "VariableDeclarator[init.object.name='process'][init.property.name='env'] > ObjectPattern > Property[key.name=/^ATLAS_/]",
        message: ENV_MESSAGE,
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [".next/**", "node_modules/**", "lib/db/generated/**", ".atlas/**", ".atlas-test/**", "test-results/**", "bench/out/**", "next-env.d.ts", "tests/fixtures/**", "**/*.py"],
  },
  ...tseslint.configs.recommended,
  ...boundaries,
  envReads,
  // Every regex is checked for catastrophic backtracking (an 82-byte CSV header once froze the server for hours:
  // docs/import-limits.md). Two analysers, because neither catches everything: regexp's no-super-linear-backtracking
  // (static, fast) missed that header regex, which recheck (redos/no-vulnerable, an attack-string search) finds.
  // no-super-linear-move is off: it flags every unanchored search, which is harmless on length-capped lines.
  regexpPlugin.configs["flat/recommended"],
  {
    plugins: { redos },
    rules: {
      "redos/no-vulnerable": "error",
      "regexp/no-super-linear-backtracking": "error",
      "regexp/no-super-linear-move": "off",
      // Style only (a group captured but not read); off so this safety change does not touch unrelated files.
      "regexp/no-unused-capturing-group": "off",
    },
  },
  // Tests match regexes against the project's own messages, never against hostile input.
  { files: ["**/*.test.ts", "**/*.e2e.ts", "tests/**"], rules: { "redos/no-vulnerable": "off" } },
  {
    plugins: { "@next/next": nextPlugin, "react-hooks": reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);

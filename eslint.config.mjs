// ESLint: typescript-eslint + Next.js and React Hooks rules. (eslint-config-next is not used: its
// import resolver pulls platform binaries that npm leaves out of the lockfile, which breaks `npm ci`.)
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [".next/**", "node_modules/**", "lib/db/generated/**", ".atlas/**", ".atlas-test/**", "test-results/**", "bench/out/**", "next-env.d.ts", "tests/fixtures/**", "**/*.py"],
  },
  ...tseslint.configs.recommended,
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

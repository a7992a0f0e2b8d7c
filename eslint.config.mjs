// The one lint config of the repo: type-aware rules for every TypeScript folder (each file is
// checked with the tsconfig.json of its folder, found by the project service). `npm run lint`
// runs it with Prettier; functions/ uses it too (ESLint finds this file from functions/).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "functions/lib/**",
      ".data/**",
      ".bench/**",
      "out/**",
      "**/*.mjs",
      "**/*.js",
      // Temporary: the Firestore stand-in is being rewritten; its sources join ESLint once they
      // pass it (three findings left; Prettier and `npm run typecheck` already cover them).
      "firestore-standin/src/**",
      "firestore-standin/test/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": [
        "error",
        { fixStyle: "inline-type-imports", disallowTypeAnnotations: false },
      ],
    },
  },
  // The import graph, enforced: functions/src deploys on its own, the domain stays free of
  // SDKs and of the layers above it, the contract depends on zod only, apps on the contract only.
  {
    files: ["functions/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/test/**", "**/test-harness/**"],
              message: "functions/src deploys on its own.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["functions/src/domain/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "firebase-admin*",
                "firebase-functions*",
                "@aws-sdk/*",
                "@google-cloud/*",
                "google-auth-library",
              ],
              message: "Domain code is free of SDKs: put the call in an adapter.",
            },
            {
              group: [
                "../adapters/*",
                "../handlers/*",
                "../config/*",
                "../models/*",
                "../index",
                "../logs",
              ],
              message: "The domain imports only the contract and itself.",
            },
            {
              group: ["**/test/**", "**/test-harness/**"],
              message: "functions/src deploys on its own.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["functions/src/contract/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*"], message: "The contract depends on zod only." }] },
      ],
    },
  },
  {
    // (A later block for the same files replaces these options: client/ repeats the pattern.)
    files: ["**/*.ts"],
    ignores: ["functions/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/functions/test/**"],
              message: "Shared test code lives in test-harness/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["client/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              // And the price table (pure, contract types only), for the cost preview.
              group: [
                "**/functions/src/**",
                "!**/functions/src/contract",
                "!**/functions/src/domain",
                "**/functions/src/domain/*",
                "!**/functions/src/domain/pricing",
              ],
              message: "Apps depend on the contract only (functions/src/contract).",
            },
            {
              group: ["**/functions/test/**"],
              message: "Shared test code lives in test-harness/.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests assert on loosely typed emulator payloads.
    files: ["**/test/**/*.ts", "**/e2e/**/*.ts", "**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-expressions": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
    },
  },
);

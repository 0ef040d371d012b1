// @ts-check
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "console/dist/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    // The console runs in the browser; projectService finds console/tsconfig.json for its sources.
    files: ["console/**/*.{ts,tsx}"],
    plugins: reactHooks.configs.flat.recommended.plugins,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      // The server's code is Node's: the console takes only its view types, which bundle nothing.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./){2,}src/(?!(station/views/mod|api/views|api/contract/mod|api/call)\\.js$)",
              message:
                "The console takes only the server's view types (src/station/views/mod.ts, src/api/views.ts), the API contract's types (src/api/contract/mod.ts) and the typed call (src/api/call.ts).",
            },
            {
              regex: "^(\\.\\./){2,}src/(station/views/mod|api/views|api/contract/mod)\\.js$",
              allowTypeImports: true,
              message:
                "Import the server's view types and the API contract with 'import type': the console bundles no server code (the contract holds zod).",
            },
          ],
        },
      ],
    },
    languageOptions: { globals: globals.browser },
  },
  {
    // Shared with the console: types only, so that importing them bundles nothing.
    files: ["src/station/views/*.ts", "src/api/views.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "ImportDeclaration[importKind='value'], ExportNamedDeclaration[exportKind='value'], ExportAllDeclaration[exportKind='value'], ExportDefaultDeclaration",
          message: "A views module holds types only: use 'import type' and 'export type'.",
        },
      ],
    },
  },
  {
    // The typed call is bundled into the console as it is: it imports types only, or it would
    // bring server code (zod, the contract's schemas) with it.
    files: ["src/api/call.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportDeclaration[importKind='value'], ExportAllDeclaration[exportKind='value']",
          message: "src/api/call.ts is bundled into the console: import types only ('import type').",
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);

// @ts-check
/**
 * The import rules `npm test` enforces (dependency-cruiser): no import circle anywhere, type
 * imports included; a folder's files are reached from outside only through its `mod.ts`; and what
 * a station runs imports no devDependency.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */

/**
 * Files the console's types are drawn from besides the doors: they import nothing of Node's, even
 * indirectly, so the console type-checks and bundles without Node (a folder's `mod.ts` brings its
 * whole folder). They are doors too, for types and schemas only.
 */
const NODE_FREE_DOORS = [
  "^src/record/kinds\\.ts$",
  "^src/record/volume\\.ts$",
  "^src/store/rows\\.ts$",
  "^src/station/core/operator-schemas\\.ts$",
  "^src/station/attention/hook-schemas\\.ts$",
  "^src/api/call\\.ts$",
];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import circle, type imports included: cut it (see docs/DESIGN.md, the map).",
      from: {},
      to: { circular: true },
    },
    {
      name: "through-mod-only",
      severity: "error",
      comment:
        "A folder's files are reached from outside it only through its mod.ts, the folder's one door (tests may look inside).",
      from: { path: "^(src/(?:station/)?[^/]+|bench|demo|chaos)/", pathNot: "\\.test\\.ts$" },
      to: {
        path: "^src/(?:station/)?[^/]+/(?!mod\\.ts$)[^/]+$",
        pathNot: ["^$1/", ...NODE_FREE_DOORS],
      },
    },
    {
      name: "no-dev-dependency-at-run-time",
      severity: "error",
      comment:
        "What a station runs imports no devDependency (an install with --omit=dev has none); tests and the store contract suite may.",
      from: { path: "^src/", pathNot: ["\\.test\\.ts$", "^src/store/contract\\.ts$"] },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "test-support-from-tests-only",
      severity: "error",
      comment:
        "The store contract suite runs under vitest: only tests import it (not a mod.ts: a station would load vitest).",
      from: { pathNot: "\\.test\\.ts$" },
      to: { path: "^src/store/contract\\.ts$" },
    },
    {
      name: "console-types-only",
      severity: "error",
      comment: "The console bundles no server code: it takes only types from src/, and the typed call.",
      from: { path: "^console/src/" },
      to: { path: "^src/(?!api/call\\.ts$)", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js"] },
    detectJSDocImports: false,
  },
};

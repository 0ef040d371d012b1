// @ts-check
/**
 * The import rules `npm test` enforces (dependency-cruiser): no import circle anywhere, type
 * imports included; and a folder's files are reached from outside only through its `mod.ts`.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
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
      comment: "A folder's files are reached from outside it only through its mod.ts, the folder's one door.",
      from: { path: "^(src/(?:station/)?[^/]+)/" },
      to: {
        path: "^src/(?:station/)?[^/]+/(?!mod\\.ts$)[^/]+$",
        pathNot: ["^$1/"],
      },
    },
    {
      name: "console-types-only",
      severity: "error",
      comment: "The console bundles no server code: it takes only types from src/.",
      from: { path: "^console/src/" },
      to: { path: "^src/", dependencyTypesNot: ["type-only"] },
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

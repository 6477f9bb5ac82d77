/**
 * The import rules of src/ (docs/ARCHITECTURE.md draws the layers), checked by `npm run lint:imports`
 * (part of `npm run lint`). Type-only imports count: a cycle of types still ties two modules together.
 * @type {import("dependency-cruiser").IConfiguration}
 */
export default {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle means neither module can be read, tested or replaced alone.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "protocol-imports-only-errors",
      comment:
        "The codec has no I/O: it may import its own folder, src/errors.ts and node:buffer, nothing else.",
      severity: "error",
      from: { path: "^src/protocol/" },
      to: { pathNot: ["^src/protocol/", "^src/errors\\.ts$", "^buffer$"] },
    },
    {
      name: "cli-only-from-cli",
      comment: "The CLI is a thin shell over the library: nothing outside src/cli/ imports it.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "routing-knows-no-session-cluster-bus-or-text",
      comment:
        "The router talks to recipients and to a remote half through interfaces; presentation (i18n) is the text side's job.",
      severity: "error",
      from: { path: "^src/server/routing/" },
      to: {
        path: [
          "^src/server/[^/]*session[^/]*$",
          "^src/server/(text|framed|cluster)/",
          "^src/server/cluster",
          "^src/server/bus/",
          "^src/i18n/",
          "^src/transport/",
        ],
      },
    },
    {
      name: "library-never-loads-the-cli-catalogue",
      comment:
        "src/i18n/cli.ts holds the CLI's texts; the library (src/ minus src/cli/) must not load it, directly or through another module. src/i18n/index.ts is the CLI's translator (every catalogue merged); the library translates with src/i18n/server-text.ts.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/cli/", "^src/i18n/cli\\.ts$", "^src/i18n/index\\.ts$"] },
      to: { path: "^src/i18n/cli\\.ts$", reachable: true },
    },
    {
      name: "chat-state-is-pure",
      comment:
        "src/chat/ reads the server's text lines for every chat screen (the CLI's, the web page's): no I/O, no Node, no DOM; only the languages and the server's own texts.",
      severity: "error",
      from: { path: "^src/chat/" },
      to: { pathNot: ["^src/chat/", "^src/i18n/(lang|server)\\.ts$"] },
    },
    {
      name: "web-runs-in-a-browser",
      comment:
        "src/web/ is bundled for browsers: it may use the pure chat state, the catalogues and the client library, never the server, a transport, the CLI, auth or a Node module.",
      severity: "error",
      from: { path: "^src/web/" },
      to: { path: ["^src/(server|transport|cli|auth)/", "^src/i18n/(index|cli[^/]*)\\.ts$"] },
    },
    {
      name: "web-uses-no-node-module",
      comment: "A Node built-in does not exist in the browser.",
      severity: "error",
      from: { path: "^src/web/" },
      to: { dependencyTypes: ["core"] },
    },
  ],
  options: {
    // TypeScript 7 (native) has no JavaScript API for dependency-cruiser; swc parses the .ts files.
    parser: "swc",
    doNotFollow: { path: "node_modules" },
  },
};

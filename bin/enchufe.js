#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm install` through the prepare script).
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // main() handles every expected error itself; reaching here is a bug in enchufe.
    console.error(error);
    process.exitCode = 70;
  },
);

#!/usr/bin/env node
// A native-solc-compatible front for solc-js, so py-solc-x (ape-solidity) and forge can use it.
// Speaks: `--version`, `--standard-json` (input on stdin), and ignores path options such as
// `--allow-paths`, `--base-path`, `--include-path` except to resolve imports from disk.
// Writes the JSON with a single write and lets the process end on its own: calling process.exit
// after a large write to a pipe can cut the output at 64 KiB.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

const args = process.argv.slice(2);
const searchRoots = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  if (flag === "--base-path" || flag === "--include-path") {
    searchRoots.push(path.resolve(args[i + 1]));
    i++;
  } else if (flag === "--allow-paths") {
    for (const p of (args[i + 1] || "").split(",")) if (p) searchRoots.push(path.resolve(p));
    i++;
  }
}

if (args.includes("--version")) {
  process.stdout.write(
    "solc, the solidity compiler commandline interface\nVersion: " + solc.version() + "\n"
  );
} else if (args.includes("--standard-json")) {
  const input = fs.readFileSync(0, "utf8");
  const findImports = (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : searchRoots.map((root) => path.join(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
    }
    return { error: "File not found: " + importPath };
  };
  // solc-js may print ">>> Cannot retry compilation with SMT..." on stdout; keep stdout pure JSON.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  const output = solc.compile(input, { import: findImports });
  process.stdout.write = write;
  process.stdout.write(output + "\n");
} else {
  process.stderr.write("solc (solc-js wrapper): supported modes are --version and --standard-json\n");
  process.exitCode = 1;
}

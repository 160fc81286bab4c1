// SPDX-License-Identifier: Apache-2.0
// Validates Kubernetes manifests without an API server, the way `kubectl apply --dry-run=server
// --validate=strict` would judge their shape:
//  1. each document against the Kubernetes OpenAPI schema (kubernetes-models' validators:
//     types, required fields, enums);
//  2. unknown fields, which those validators let through, by type-checking every document as
//     an object literal of its Kubernetes type with TypeScript (excess-property checks).
// Usage: node validate.mjs FILE...   (run from the directory holding node_modules)
// Prints one line per problem naming the file, the document and the field; exits 1 on any.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
let problems = 0;
const say = (msg) => { console.log(msg); problems++; };

// "apps/v1" -> "apps/v1", core "v1" -> "v1": kubernetes-models' module layout
const modulePath = (apiVersion, kind) => `kubernetes-models/${apiVersion}/${kind}`;

const typed = [];   // TypeScript lines, one declaration per document
const where = [];   // declaration index -> "file: document N (Kind/name)"

for (const file of process.argv.slice(2)) {
  let docs;
  try {
    docs = parseAllDocuments(readFileSync(file, "utf8"));
  } catch (e) {
    say(`${file}: ${e.message}`);
    continue;
  }
  docs.forEach((doc, i) => {
    const label = `${file}: document ${i + 1}`;
    if (doc.errors.length) {
      for (const e of doc.errors) say(`${label}: YAML: ${e.message.split("\n")[0]}`);
      return;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) return; // empty document
    if (typeof obj !== "object" || !obj.apiVersion || !obj.kind) {
      say(`${label}: not a Kubernetes object (apiVersion and kind are required)`);
      return;
    }
    const name = `${obj.kind}/${obj.metadata?.name ?? "?"}`;
    let mod;
    try {
      mod = require(modulePath(obj.apiVersion, obj.kind));
    } catch {
      say(`${label} (${name}): unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
      return;
    }
    const Model = mod[obj.kind];
    try {
      new Model(obj).validate();
    } catch (e) {
      const errs = e.errors ?? [{ instancePath: "", message: e.message }];
      for (const x of errs)
        say(`${label} (${name}): ${x.instancePath || "/"}: ${x.message}` +
            (x.params?.additionalProperty ? ` (${x.params.additionalProperty})` : ""));
    }
    where.push(`${label} (${name})`);
    typed.push(`import type { I${obj.kind} as T${where.length} } from "${modulePath(obj.apiVersion, obj.kind)}";\n` +
               `export const d${where.length}: T${where.length} = ${JSON.stringify(obj, null, 1)};`);
  });
}

if (typed.length) {
  // beside node_modules, so the type imports resolve
  const dir = mkdtempSync(join(process.cwd(), "check-"));
  const src = join(dir, "manifests.ts");
  writeFileSync(src, typed.join("\n") + "\n");
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "--strict",
      "--moduleResolution", "node", "--module", "commonjs", "--skipLibCheck",
      src],
      { encoding: "utf8", stdio: "pipe", cwd: process.cwd() });
  } catch (e) {
    // map "manifests.ts(LINE,COL): error ..." back to the document it came from
    const text = readFileSync(src, "utf8").split("\n");
    const starts = [];
    text.forEach((l, n) => { if (l.startsWith("export const d")) starts.push(n + 1); });
    for (const line of (e.stdout || e.message).split("\n")) {
      const m = line.match(/manifests\.ts\((\d+),\d+\): error (TS\d+): (.*)/);
      if (!m) continue;
      const at = Number(m[1]);
      let d = 0;
      while (d + 1 < starts.length && starts[d + 1] <= at) d++;
      say(`${where[d]}: ${m[3]}`);
    }
    if (!problems) say(`TypeScript failed: ${e.stdout || ""}${e.stderr || e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (problems) process.exit(1);
console.log(`ok: ${where.length} objects valid`);

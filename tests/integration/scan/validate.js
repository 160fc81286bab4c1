// SPDX-License-Identifier: Apache-2.0
// Validates a JSON document against a published JSON schema with ajv (+ ajv-formats).
// Usage: node validate.js MODULES_DIR SCHEMA DOC [EXTRA_SCHEMA...]
// Extra schemas are registered under their $id and under their file name next to the main
// schema's $id, so relative "$ref"s such as "spdx.SNAPSHOT.schema.json" resolve offline.
// Exit 0 when valid, 1 with the errors listed when not, 2 on usage or load errors.
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, schemaPath, docPath, ...extra] = process.argv.slice(2);
if (!modules || !schemaPath || !docPath) {
  console.error('usage: node validate.js MODULES_DIR SCHEMA DOC [EXTRA_SCHEMA...]');
  process.exit(2);
}
const load = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const schema = load(schemaPath);
const draft = String(schema.$schema || '');
const flavour = draft.includes('2020-12') ? 'ajv/dist/2020' : draft.includes('2019-09') ? 'ajv/dist/2019' : 'ajv';
const Ajv = require(path.join(modules, flavour));
const addFormats = require(path.join(modules, 'ajv-formats'));
const quiet = { log() {}, warn() {}, error: console.error }; // unknown-format notices
const ajv = new (Ajv.default || Ajv)({ strict: false, allErrors: true, logger: quiet });
(addFormats.default || addFormats)(ajv);

const base = schema.$id || schema.id || '';
for (const p of extra) {
  const s = load(p);
  const byName = base ? new URL(path.basename(p), base).href : path.basename(p);
  const id = s.$id;
  delete s.$id; // registered under both keys below
  ajv.addSchema(s, byName);
  if (id && id !== byName) ajv.addSchema(s, id);
}
const validate = ajv.compile(schema);
const doc = load(docPath);
if (validate(doc)) {
  console.log(`valid: ${docPath} against ${path.basename(schemaPath)}`);
  process.exit(0);
}
console.log(`INVALID: ${docPath} against ${path.basename(schemaPath)}`);
for (const e of validate.errors.slice(0, 30)) console.log(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
process.exit(1);

#!/usr/bin/env node
// Validates every document of Kubernetes YAML files against the @kubernetes-models schemas
// (Gateway API, Istio, Argo CD, cert-manager, Karpenter and, unless --skip-core, the core kinds).
// Test-only tooling; see tools/README.md. Exit: 0 ok, 1 invalid, 2 unknown kind, 3 usage or I/O error.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, parseAllDocuments } from "yaml";

const CORE_PKG = "kubernetes-models";
const PACKAGES = [
  CORE_PKG,
  "@kubernetes-models/gateway-api",
  "@kubernetes-models/istio",
  "@kubernetes-models/argo-cd",
  "@kubernetes-models/cert-manager",
  "@kubernetes-models/karpenter",
];
// Build inputs rather than cluster objects: never validated, reported as SKIP.
const ALWAYS_SKIPPED_GROUPS = new Set(["kustomize.config.k8s.io"]);

const USAGE = `usage: validate-k8s.mjs [--skip-core] [--allow-unknown GROUP[,GROUP...]] [--list-kinds] FILE_OR_DIR...
  --skip-core        do not validate core Kubernetes kinds (leave them to kv-check.sh)
  --allow-unknown G  documents of API group G that have no model are SKIP, not UNKNOWN (repeatable)
  --list-kinds       print every apiVersion/kind with a model and exit
Directories are searched recursively for *.yaml and *.yml (hidden folders and node_modules skipped).
Exit status: 0 ok, 1 some document invalid, 2 some kind has no model, 3 usage or I/O error.`;

function usageError(message) {
  console.error(`validate-k8s: ${message}\n${USAGE}`);
  process.exit(3);
}

function parseArgs(argv) {
  const opts = { skipCore: false, allowUnknown: new Set(), listKinds: false, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") { opts.inputs.push(...argv.slice(i + 1)); break; }
    if (arg === "--skip-core") opts.skipCore = true;
    else if (arg === "--list-kinds") opts.listKinds = true;
    else if (arg === "-h" || arg === "--help") { console.log(USAGE); process.exit(0); }
    else if (arg === "--allow-unknown" || arg.startsWith("--allow-unknown=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (value === undefined) usageError("--allow-unknown needs a value");
      for (const g of value.split(",")) if (g.trim()) opts.allowUnknown.add(g.trim());
    } else if (arg.startsWith("-") && arg !== "-") usageError(`unknown option ${arg}`);
    else opts.inputs.push(arg);
  }
  return opts;
}

// Every package exports one module per kind at "<pkg>/<apiVersion>/<Kind>"; loading only the kinds
// in use keeps start-up near 0.2 s (importing every package index takes over 1 s).
const API_VERSION_RE = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9][a-z0-9]*$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;
const modelCache = new Map(); // "apiVersion/kind" -> { pkg, url, cls? } | null

function findModel(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let hit = null;
  if (API_VERSION_RE.test(apiVersion) && KIND_RE.test(kind)) {
    for (const pkg of PACKAGES) {
      let url;
      try { url = import.meta.resolve(`${pkg}/${apiVersion}/${kind}`); } catch { continue; }
      if (existsSync(fileURLToPath(url))) { hit = { pkg, url }; break; }
    }
  }
  modelCache.set(key, hit);
  return hit;
}

async function loadModelClass(model, apiVersion, kind) {
  if (!model.cls) {
    const cls = (await import(model.url))[kind];
    if (typeof cls !== "function" || cls.apiVersion !== apiVersion || cls.kind !== kind) {
      throw new Error(`model module ${model.url} does not export ${apiVersion}/${kind}`);
    }
    model.cls = cls;
  }
  return model.cls;
}

// --list-kinds: every exported model class carries static apiVersion and kind; walk the package indexes.
function collectModels(node, pkg, registry, seen = new Set()) {
  if (node === null || (typeof node !== "object" && typeof node !== "function") || seen.has(node)) return;
  seen.add(node);
  if (typeof node === "function") {
    if (typeof node.apiVersion === "string" && typeof node.kind === "string") {
      const key = `${node.apiVersion}/${node.kind}`;
      if (!registry.has(key)) registry.set(key, pkg);
    }
    return;
  }
  for (const value of Object.values(node)) collectModels(value, pkg, registry, seen);
}

function expandInputs(inputs) {
  const files = [];
  const walk = (dir) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(e.name)) files.push(path);
    }
  };
  for (const input of inputs) {
    if (input === "-") { files.push(input); continue; } // stdin
    let st;
    try { st = statSync(input); } catch (e) { usageError(`cannot read ${input}: ${e.code ?? e.message}`); }
    if (st.isDirectory()) walk(input);
    else files.push(input);
  }
  return files;
}

function formatErrors(err) {
  const list = Array.isArray(err?.errors) ? err.errors : [];
  if (list.length === 0) return String(err?.message ?? err);
  return list.map((e) => {
    const at = e.instancePath || "/";
    const p = e.params ?? {};
    let detail = "";
    if (p.allowedValues) detail = ` (allowed: ${p.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
    else if (p.additionalProperty) detail = ` (${JSON.stringify(p.additionalProperty)})`;
    return `${at} ${e.message}${detail}`;
  }).join("; ");
}

function groupOf(apiVersion) {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.listKinds) {
  const registry = new Map(); // "apiVersion/kind" -> package
  for (const pkg of PACKAGES) collectModels(await import(pkg), pkg, registry);
  for (const [key, pkg] of [...registry.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) console.log(`${key}\t${pkg}`);
  process.exit(0);
}
if (opts.inputs.length === 0) usageError("no input files");

const files = expandInputs(opts.inputs);
if (files.length === 0) usageError(`no *.yaml or *.yml files in ${opts.inputs.join(" ")}`);

const count = { documents: 0, ok: 0, error: 0, unknown: 0, skip: 0 };
for (const file of files) {
  let text;
  try { text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8"); }
  catch (e) { usageError(`cannot read ${file}: ${e.code ?? e.message}`); }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines });
  if (!Array.isArray(docs)) continue; // an empty stream
  for (const doc of docs) {
    const where = `${file}:${lines.linePos(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0).line}`;
    if (doc.errors.length > 0) {
      count.documents++; count.error++;
      console.log(`ERROR ${where}: invalid YAML: ${doc.errors[0].message.split("\n")[0].replace(/:$/, "")}`);
      continue;
    }
    const obj = doc.toJS({ maxAliasCount: -1 });
    if (obj === null || obj === undefined) continue; // an empty document (e.g. a trailing ---)
    count.documents++;
    if (typeof obj !== "object" || Array.isArray(obj) || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
      count.error++;
      console.log(`ERROR ${where}: not a Kubernetes object (needs string apiVersion and kind)`);
      continue;
    }
    const key = `${obj.apiVersion}/${obj.kind}`;
    const id = `${where} ${key} ${obj.metadata?.namespace ? obj.metadata.namespace + "/" : ""}${obj.metadata?.name ?? "<no name>"}`;
    const group = groupOf(obj.apiVersion);
    const model = findModel(obj.apiVersion, obj.kind);
    if (ALWAYS_SKIPPED_GROUPS.has(group)) { count.skip++; console.log(`SKIP ${id}: build input, not a cluster object`); continue; }
    if (!model) {
      if (opts.allowUnknown.has(group)) { count.skip++; console.log(`SKIP ${id}: no model, group ${group} allowed`); continue; }
      count.unknown++;
      console.log(`UNKNOWN ${id}: no model for ${key}`);
      continue;
    }
    if (opts.skipCore && model.pkg === CORE_PKG) { count.skip++; console.log(`SKIP ${id}: core kind (--skip-core)`); continue; }
    try {
      const Model = await loadModelClass(model, obj.apiVersion, obj.kind);
      new Model(obj).validate();
      count.ok++;
      console.log(`OK ${id}`);
    } catch (err) {
      count.error++;
      console.log(`ERROR ${id}: ${formatErrors(err)}`);
    }
  }
}
console.log(`summary: files=${files.length} documents=${count.documents} ok=${count.ok} error=${count.error} unknown=${count.unknown} skip=${count.skip}`);
process.exit(count.error ? 1 : count.unknown ? 2 : 0);

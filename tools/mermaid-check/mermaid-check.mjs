#!/usr/bin/env node
// Parses every ```mermaid block of the given Markdown files (or whole .mmd files) with
// mermaid's own parser. Prints `OK|ERROR <file>:<line> <diagram type>[: message]` per block and a
// summary line. Exit status: 0 every block parses, 1 some block does not, 3 usage or I/O error.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const files = process.argv.slice(2);
if (files.length === 0 || files.includes('--help')) {
  console.error('usage: mermaid-check.mjs FILE.md|FILE.mmd...');
  process.exit(3);
}
// mermaid sanitizes labels with DOMPurify, which needs a DOM.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'loose' });

function blocks(file, text) {
  if (file.endsWith('.mmd')) return [{ line: 1, source: text }];
  const out = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```mermaid') continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && lines[j].trim() !== '```') j++;
    out.push({ line: start + 1, source: lines.slice(start, j).join('\n') + '\n' });
    i = j;
  }
  return out;
}

let ok = 0;
let bad = 0;
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`error: cannot read ${file}: ${e.message}`);
    process.exit(3);
  }
  for (const b of blocks(file, text)) {
    try {
      const r = await mermaid.parse(b.source);
      console.log(`OK ${file}:${b.line} ${r.diagramType}`);
      ok++;
    } catch (e) {
      console.log(`ERROR ${file}:${b.line}: ${String(e.message ?? e).split('\n').join(' ')}`);
      bad++;
    }
  }
}
console.log(`summary: files=${files.length} blocks=${ok + bad} ok=${ok} error=${bad}`);
process.exit(bad > 0 ? 1 : 0);

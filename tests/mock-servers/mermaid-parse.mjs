// Parses every ```mermaid block of the Markdown files named on the command line with Mermaid's own parser, the one
// GitHub's renderer runs, and prints one JSON line per block: {"file", "block", "ok", "type"} or {"..., "error"}.
// Mermaid sanitizes diagram text with DOMPurify, which needs a DOM: jsdom gives it one.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  for (const [block, source] of blocks.entries()) {
    try {
      const parsed = await mermaid.parse(source);
      console.log(JSON.stringify({ file, block, ok: true, type: parsed.diagramType }));
    } catch (e) {
      console.log(JSON.stringify({ file, block, ok: false, error: String(e.message ?? e).split('\n').slice(0, 3).join(' ') }));
    }
  }
}

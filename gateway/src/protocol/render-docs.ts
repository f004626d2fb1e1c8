import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderProtocolMarkdown, replaceGeneratedSection } from './protocol-document.ts';

/** Path of the protocol documentation whose generated section mirrors the code. */
export const PROTOCOL_DOC_PATH = resolve(import.meta.dirname, '../../../docs/protocol.md');

/** docs/protocol.md with its generated section brought up to date. */
export function regeneratedProtocolDoc(): string {
  const current = readFileSync(PROTOCOL_DOC_PATH, 'utf8');
  const next = replaceGeneratedSection(current, renderProtocolMarkdown());
  if (next === null) throw new Error(`${PROTOCOL_DOC_PATH} lacks the generated:begin/end markers`);
  return next;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const next = regeneratedProtocolDoc();
  if (process.argv.includes('--write')) writeFileSync(PROTOCOL_DOC_PATH, next);
  else process.stdout.write(next);
}

import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Turns the text-format COPY output of EXPORT_COLUMNS_SQL into NDJSON lines.
 * PostgreSQL's text format escapes tab, newline and backslash inside values,
 * so a raw tab always separates fields and a raw newline always ends a row.
 * Building the JSON here is several times faster than json_build_object in the
 * database, which lets an NDJSON export run close to the speed of COPY itself.
 */
export function copyTextToNdjson(): Transform {
  // Chunks may end inside a multi-byte character; the decoder holds such bytes back.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = pending + decoder.write(chunk);
      const lastNewline = text.lastIndexOf('\n');
      if (lastNewline === -1) {
        pending = text;
        return done();
      }
      pending = text.slice(lastNewline + 1);
      let out = '';
      for (const line of text.slice(0, lastNewline).split('\n')) out += `${eventLine(line.split('\t'))}\n`;
      done(null, out);
    },
    flush(done) {
      const rest = pending + decoder.end();
      done(null, rest ? `${eventLine(rest.split('\t'))}\n` : undefined);
    },
  });
}

/** Column order of EXPORT_COLUMNS_SQL. */
function eventLine(f: string[]): string {
  return (
    `{"chain":${str(f[0])},"seq":${f[1]},"id":${str(f[2])},"occurredAt":${str(f[3])},` +
    `"actor":{"id":${str(f[4])},"kind":${str(f[5])},"displayName":${str(f[6])},"roles":${raw(f[7])}},` +
    `"action":${str(f[8])},"target":{"type":${str(f[9])},"id":${str(f[10])}},"useCaseId":${str(f[11])},` +
    `"payload":${raw(f[12])},"reason":${str(f[13])},` +
    `"context":{"requestId":${str(f[14])},"sourceIp":${str(f[15])},"userAgent":${str(f[16])}},` +
    `"prevHash":${str(f[17])},"hash":${str(f[18])}}`
  );
}

export const COPY_NULL = '\\N';
const NULL = COPY_NULL;

/** A text value as a JSON string (or null). */
function str(field: string): string {
  return field === NULL ? 'null' : JSON.stringify(unescapeCopy(field));
}

/** A value that is already JSON text (roles, payload). */
function raw(field: string): string {
  return field === NULL ? 'null' : unescapeCopy(field);
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

export function unescapeCopy(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_match, c: string) => COPY_ESCAPES[c] ?? c);
}

/**
 * The rows of a text-format COPY stream, a chunk's worth at a time, each row
 * as its raw (still escaped) fields, in order: memory stays at one chunk
 * whatever the number of rows, and the consumer loops over a chunk's rows
 * without an await per row.
 */
export async function* copyTextRows(source: AsyncIterable<Buffer>): AsyncGenerator<string[][]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    const text = pending + decoder.write(chunk);
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) {
      pending = text;
      continue;
    }
    pending = text.slice(lastNewline + 1);
    yield text.slice(0, lastNewline).split('\n').map((line) => line.split('\t'));
  }
  const rest = pending + decoder.end();
  if (rest) yield [rest.split('\t')];
}

import { Prng } from './prng';
import { hostileString } from './hostile-values';

export interface RawRequestBody {
  label: string;
  contentType: string | undefined;
  bytes: Buffer;
}

interface Part {
  headers: string[];
  content: Buffer | string;
}

const CRLF = '\r\n';
const EVIDENCE_KINDS = ['model_card', 'test_report', 'datasheet', 'risk_assessment', 'other'];

function field(name: string, value: string): Part {
  return { headers: [`Content-Disposition: form-data; name="${name}"`], content: value };
}

function filePart(disposition: string, content: Buffer | string, type = 'text/plain'): Part {
  return { headers: [`Content-Disposition: form-data; name="file"; ${disposition}`, `Content-Type: ${type}`], content };
}

function assemble(boundary: string, parts: Part[], options: { close?: boolean; newline?: string; preamble?: string } = {}): Buffer {
  const nl = options.newline ?? CRLF;
  const chunks: Buffer[] = [];
  if (options.preamble) chunks.push(Buffer.from(options.preamble));
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}${nl}${part.headers.join(nl)}${nl}${nl}`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from(nl));
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--${nl}`));
  return Buffer.concat(chunks);
}

/**
 * Uploads for the evidence route: valid ones, and every way a multipart body
 * goes wrong — cut before the closing boundary, no boundary, a boundary that
 * never appears, headers of 100 KB, fields after the file, two files, hostile
 * file names (RFC 5987 UTF-8, U+0000, paths), hostile field values.
 * With `valid`, a well-formed upload.
 */
export function multipartUpload(prng: Prng, previousId: () => string, valid = false): RawRequestBody {
  const boundary = `fuzz${prng.hex(16)}`;
  const type = `multipart/form-data; boundary=${boundary}`;
  const fields = () => [field('kind', prng.pick(EVIDENCE_KINDS)), field('title', `evidence ${prng.hex(6)}`)];
  const content = () => prng.pick<Buffer | string>(['hello evidence', '', prng.bytes(prng.int(1, 4096)), '\r\n--not-the-boundary\r\n']);
  const file = () => filePart('filename="evidence.txt"', content());

  const variants: [number, string, () => RawRequestBody][] = [
    [3, 'valid upload', () => ({ label: '', contentType: type, bytes: assemble(boundary, [...fields(), file()]) })],
    [4, 'cut before the closing boundary', () => {
      const full = assemble(boundary, [...fields(), filePart('filename="f"', 'hello')], { close: false });
      const cut = prng.chance(0.5) ? full.subarray(0, full.length - 2) : full.subarray(0, prng.int(1, full.length));
      return { label: `${cut.length}/${full.length} bytes`, contentType: type, bytes: cut };
    }],
    [2, 'cut inside the part headers', () => {
      const text = `--${boundary}${CRLF}Content-Disposition: form-data; name="file"; filename="f"${CRLF}Content-Ty`;
      return { label: '', contentType: type, bytes: Buffer.from(text) };
    }],
    [2, 'no boundary parameter', () => ({ label: '', contentType: 'multipart/form-data', bytes: assemble(boundary, [...fields(), file()]) })],
    [2, 'boundary that never appears', () => ({ label: '', contentType: `multipart/form-data; boundary=other${prng.hex(4)}`, bytes: assemble(boundary, [...fields(), file()]) })],
    [1, 'boundary over 70 characters', () => {
      const long = 'b'.repeat(prng.pick([71, 200, 5000]));
      return { label: `${long.length}`, contentType: `multipart/form-data; boundary=${long}`, bytes: assemble(long, [...fields(), file()]) };
    }],
    [2, 'huge part header', () => {
      const huge = `X-Fuzz: ${'h'.repeat(prng.pick([9000, 100_000]))}`;
      const part = filePart('filename="f.txt"', 'x');
      part.headers.push(huge);
      return { label: `${huge.length} chars`, contentType: type, bytes: assemble(boundary, [...fields(), part]) };
    }],
    [1, 'many part headers', () => {
      const part = filePart('filename="f.txt"', 'x');
      for (let i = 0; i < 3000; i++) part.headers.push(`X-H${i}: v`);
      return { label: '3000 headers', contentType: type, bytes: assemble(boundary, [...fields(), part]) };
    }],
    [2, 'file before the fields', () => ({ label: '', contentType: type, bytes: assemble(boundary, [file(), ...fields()]) })],
    [2, 'no file', () => ({ label: '', contentType: type, bytes: assemble(boundary, fields()) })],
    [1, 'two files', () => ({ label: '', contentType: type, bytes: assemble(boundary, [...fields(), file(), file()]) })],
    [1, 'many fields', () => ({ label: '', contentType: type, bytes: assemble(boundary, [...Array.from({ length: 50 }, (_, i) => field(`f${i}`, 'v')), ...fields(), file()]) })],
    [1, 'field over the size limit', () => ({ label: '', contentType: type, bytes: assemble(boundary, [field('kind', 'model_card'), field('title', 't'.repeat(20_000)), file()]) })],
    [3, 'hostile file name', () => {
      const disposition = prng.pick([
        `filename*=utf-8''%E6%97%A5%E6%9C%AC.txt`,
        `filename*=UTF-8''%F0%9F%98%80.txt`,
        `filename*=utf-8''a%00b.txt`,
        `filename*=utf-8''%ED%A0%80.txt`,
        `filename*=iso-8859-1''%E9t%E9.txt`,
        `filename*=utf-8''%ZZ.txt`,
        'filename="../../etc/passwd"',
        'filename=""',
        'filename="\\\\server\\share\\f.txt"',
        `filename="${'n'.repeat(prng.pick([256, 5000]))}.txt"`,
        'filename="a\r\nX-Injected: 1"',
        'filename="naïve.txt"',
        'filename',
        'filename="unterminated',
      ]);
      return { label: disposition.slice(0, 60), contentType: type, bytes: assemble(boundary, [...fields(), filePart(disposition, 'x')]) };
    }],
    [2, 'hostile file type', () => {
      const mediaType = prng.pick(['', 'text/html; charset=utf-16', '\u00ff/\u00ff', 'a'.repeat(3000), 'application/json; boundary=x', 'multipart/form-data; boundary=nested']);
      return { label: mediaType.slice(0, 40), contentType: type, bytes: assemble(boundary, [...fields(), filePart('filename="f.bin"', 'x', mediaType)]) };
    }],
    [3, 'hostile field value', () => {
      const name = prng.pick(['kind', 'title', 'previousId']);
      const value = name === 'previousId' ? prng.pick([previousId(), previousId().toUpperCase(), prng.uuid(), 'abc', '99999999999', 'constructor']) : hostileString(prng);
      const parts = fields().filter((part) => !part.headers[0].includes(`name="${name}"`));
      return { label: `${name}`, contentType: type, bytes: assemble(boundary, [...parts, field(name, value), file()]) };
    }],
    [1, 'prototype field names', () => {
      const parts = [...fields(), field(prng.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty']), 'x'), file()];
      return { label: '', contentType: type, bytes: assemble(boundary, parts) };
    }],
    [1, 'bare LF line ends', () => ({ label: '', contentType: type, bytes: assemble(boundary, [...fields(), file()], { newline: '\n' }) })],
    [1, 'garbage preamble and no parts', () => ({ label: '', contentType: type, bytes: Buffer.concat([prng.bytes(prng.int(0, 2048))]) })],
    [1, 'part without headers', () => ({ label: '', contentType: type, bytes: Buffer.from(`--${boundary}${CRLF}${CRLF}x${CRLF}--${boundary}--${CRLF}`) })],
    [1, 'JSON body under a multipart type', () => ({ label: '', contentType: type, bytes: Buffer.from('{"kind":"model_card","title":"t"}') })],
    [1, 'multipart with a charset', () => ({ label: '', contentType: `${type}; charset=utf-16`, bytes: assemble(boundary, [...fields(), file()]) })],
  ];
  const [name, build] = valid ? (['valid upload', variants[0][2]] as const) : prng.weighted(variants.map(([weight, label, fn]) => [weight, [label, fn]] as const));
  const body = build();
  return { ...body, label: `multipart: ${name}${body.label ? ` (${body.label})` : ''}` };
}

/** A multipart body for a JSON route: the parser must refuse it, not crash. */
export function multipartForJsonRoute(prng: Prng, json: Buffer): RawRequestBody {
  const boundary = `fuzz${prng.hex(12)}`;
  return {
    label: 'multipart body on a JSON route',
    contentType: `multipart/form-data; boundary=${boundary}`,
    bytes: assemble(boundary, [field('payload', json.toString('latin1')), filePart('filename="x.json"', json, 'application/json')], { close: prng.chance(0.7) }),
  };
}

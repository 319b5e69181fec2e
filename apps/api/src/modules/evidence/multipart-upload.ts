import busboy from 'busboy';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request } from 'express';
import { AsyncResource } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { DomainError, FieldError, inputProblems, textProblem, toFieldErrors, ValidationFailedError } from '@app/errors';
import { EvidenceFileFields } from './dto/evidence.dto';
import { EvidenceTooLargeError, UploadIncompleteError } from './evidence.errors';

export interface IncomingFile {
  fields: EvidenceFileFields;
  fileName: string;
  mediaType: string;
  content: Readable;
}

/** An upload that sends nothing for this long is ended, and what it sent is discarded. */
export const UPLOAD_IDLE_TIMEOUT_MS = 30_000;

/** Room for the multipart boundaries and form fields around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Streams one file out of a multipart/form-data request, with its form fields
 * validated first, and hands it to `store` while it is still arriving: the
 * file is never held in memory or on disk. A file over `maxBytes` fails the
 * store (so its transaction rolls back) with 413.
 */
export function receiveUpload<T>(req: Request, maxBytes: number, store: (file: IncomingFile) => Promise<T>, idleTimeoutMs = UPLOAD_IDLE_TIMEOUT_MS): Promise<T> {
  // The file part is parsed from data that may arrive after this handler ran (a browser sends the
  // body after the headers), in the socket's async context: bound here, the store keeps the
  // request's (who acts, the request id) for its audit event.
  const storeInRequest = AsyncResource.bind(store);
  let file: Readable | undefined;
  let finished = false;
  // A client that goes quiet, or away, ends the file stream with an error: the store discards what it staged.
  const abandon = (error: UploadIncompleteError) => {
    if (finished) return;
    file?.destroy(error);
  };
  const onIdle = () => {
    abandon(new UploadIncompleteError(`The upload sent nothing for ${idleTimeoutMs / 1000} s and was ended; nothing was stored.`));
    req.destroy();
  };
  // 'close' also follows a complete body; only an incomplete one is an abort.
  const onAborted = () => {
    if (!req.complete) abandon(new UploadIncompleteError('The client closed the connection before the file was complete; nothing was stored.'));
  };
  req.socket?.setTimeout(idleTimeoutMs, onIdle);
  req.on('close', onAborted);
  const settle = () => {
    finished = true;
    req.socket?.setTimeout(0);
    req.socket?.removeListener('timeout', onIdle);
    req.removeListener('close', onAborted);
  };
  return new Promise<T>((resolve, reject) => {
    const fail = (error: unknown) => {
      // Read and discard the rest of the body, so the client gets the answer rather than a reset.
      req.unpipe();
      req.resume();
      reject(error);
    };
    if (!req.is('multipart/form-data')) {
      return fail(new ValidationFailedError([{ field: 'file', detail: 'send the file as multipart/form-data with fields kind, title and file' }]));
    }
    if (Number(req.headers['content-length'] ?? 0) > maxBytes + MULTIPART_OVERHEAD_BYTES) return fail(new EvidenceTooLargeError(maxBytes));

    let parser: busboy.Busboy;
    try {
      // Browsers send a file's name as raw UTF-8 in filename="…"; busboy would read it as Latin-1 (Prüf → PrÃ¼f).
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, fieldSize: 10_000, fileSize: maxBytes } });
    } catch {
      return fail(new ValidationFailedError([{ field: 'file', detail: 'the multipart body is malformed' }]));
    }
    const fields: Record<string, string> = {};
    let sawFile = false;
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (_name, stream, info) => {
      sawFile = true;
      file = stream;
      // busboy errors the file stream when the form is cut short; the store's reader sees it,
      // and this listener keeps it from being an unhandled 'error' that ends the process.
      let streamError: unknown;
      stream.on('error', (error) => (streamError = error));
      stream.on('limit', () => stream.destroy(new EvidenceTooLargeError(maxBytes)));
      const unsafe = unsafeFormText(fields, info.filename);
      if (unsafe.length) {
        stream.resume();
        return fail(new ValidationFailedError(unsafe));
      }
      const parsed = plainToInstance(EvidenceFileFields, fields);
      validate(parsed, { whitelist: true, forbidNonWhitelisted: true })
        .then((errors) => {
          if (errors.length) throw new ValidationFailedError(toFieldErrors(errors));
          return storeInRequest({ fields: parsed, fileName: truncateName(info.filename ?? '', 255) || 'evidence', mediaType: safeMediaType(info.mimeType), content: stream });
        })
        .then(resolve, (error) => {
          stream.resume();
          fail(error === streamError && !(error instanceof DomainError) ? new UploadIncompleteError() : error);
        });
    });
    parser.on('close', () => {
      if (!sawFile) fail(new ValidationFailedError([{ field: 'file', detail: 'the form has no file part (send the fields first, then the file)' }]));
    });
    parser.on('error', () => fail(new ValidationFailedError([{ field: 'file', detail: 'the multipart body is malformed' }])));
    req.pipe(parser);
  }).finally(settle);
}

/**
 * Characters that reorder the text around them. In a file name they only disguise it: `card\u202Efdp.exe`
 * is shown to a reviewer as `cardexe.pdf`.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The global text rule, which never sees a multipart body: over the form fields and the file name. */
function unsafeFormText(fields: Record<string, string>, fileName: string | undefined): FieldError[] {
  const fileNameProblem =
    fileName === undefined
      ? undefined
      : (textProblem(fileName) ?? (BIDI_CONTROLS.test(fileName) ? 'holds a bidirectional control character, which can disguise its extension' : undefined));
  return [...inputProblems(fields), ...(fileNameProblem ? [{ field: 'file', detail: `the file name ${fileNameProblem}` }] : [])];
}

/** At most `max` UTF-16 units, never ending in half a surrogate pair (which the text rule exists to keep out). */
function truncateName(name: string, max: number): string {
  const cut = name.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function safeMediaType(declared: string | undefined): string {
  return declared && /^[\w.+-]+\/[\w.+-]+$/.test(declared) ? declared.toLowerCase() : 'application/octet-stream';
}

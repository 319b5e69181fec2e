import { DomainError, NotFoundError } from '@app/errors';

/** Over GATEHOUSE_EVIDENCE_MAX_BYTES: refused while it streams in, nothing kept. */
export class EvidenceTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  readonly status = 413;
  readonly title = 'Payload too large';

  constructor(maxBytes: number) {
    super(`An evidence file may not exceed ${maxBytes} bytes (GATEHOUSE_EVIDENCE_MAX_BYTES).`);
  }
}

/** The body ended (or the client went away, or went quiet) before the multipart form was complete. */
export class UploadIncompleteError extends DomainError {
  readonly code = 'upload-incomplete';
  readonly status = 400;
  readonly title = 'Upload incomplete';

  constructor(detail = 'The multipart body ended before the file was complete; nothing was stored. Send it again.') {
    super(detail);
  }
}

/** A link is evidence without stored content: there is nothing to download. */
export class EvidenceIsALinkError extends DomainError {
  readonly code = 'evidence-is-a-link';
  readonly status = 409;
  readonly title = 'Evidence has no content';

  constructor(evidenceId: string, url: string | null) {
    super(`Evidence ${evidenceId} is a link (${url}); it has no content to download.`, { evidenceId });
  }
}

/** Versions form a chain: only the newest version of a piece of evidence is superseded. */
export class EvidenceAlreadySupersededError extends DomainError {
  readonly code = 'evidence-already-superseded';
  readonly status = 409;
  readonly title = 'Evidence already superseded';

  constructor(evidenceId: string) {
    super(`Evidence ${evidenceId} already has a newer version; supersede that one.`, { evidenceId });
  }
}

/** No such evidence on this use case. Answered as 404 `not-found`. */
export class EvidenceNotFound extends NotFoundError {}

/**
 * The stored bytes are not what was recorded (missing, cut short or changed
 * behind the service's back): nothing is served rather than something wrong.
 * A fault of the store, not of the request.
 */
export class EvidenceContentDamaged extends DomainError {
  readonly code = 'evidence-content-damaged';
  readonly status = 500;
  readonly title = 'The evidence file is damaged in storage';

  constructor(evidenceId: string, detail: string) {
    super(`The stored content of evidence ${evidenceId} ${detail}; it is not served. An administrator restores it from a backup.`, { evidenceId });
  }
}

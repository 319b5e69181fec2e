import { ApiError, writeHeaders, type Schema } from '../../../api/client';
import type { EvidenceKind } from '../labels';

export type Evidence = Schema<'EvidenceResponse'>;

export interface UploadFields {
  kind: EvidenceKind;
  title: string;
  previousId?: string;
}

/**
 * Uploads one evidence file with progress, which fetch cannot report: a
 * multipart body with the fields first (the server validates them before the
 * file streams in), then the file; the CSRF header as the typed client sends it.
 */
export function uploadEvidence(useCaseId: string, fields: UploadFields, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Evidence> {
  const form = new FormData();
  form.append('kind', fields.kind);
  form.append('title', fields.title);
  if (fields.previousId) form.append('previousId', fields.previousId);
  form.append('file', file, file.name);

  return new Promise<Evidence>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/use-cases/${encodeURIComponent(useCaseId)}/evidence`);
    request.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(writeHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown = request.responseText;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Not JSON (a proxy's error page): keep the text as the problem's title.
      }
      if (request.status >= 200 && request.status < 300) resolve(body as Evidence);
      else reject(new ApiError(request.status, body));
    };
    // A TypeError reads as "the server could not be reached" (problems.ts).
    request.onerror = () => reject(new TypeError('The upload could not reach the server.'));
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

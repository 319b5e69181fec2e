import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, ApiResponseOptions, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem-details.filter';

export class FieldErrorResponse {
  @ApiProperty({ example: 'risks.0.severity', description: 'Dotted path of the offending field in the request' })
  field: string;

  @ApiProperty()
  detail: string;
}

/** What every refusal and failure answers, as application/problem+json (RFC 9457); see ProblemDetailsFilter. */
export class ProblemDetailsResponse {
  @ApiProperty({ example: 'urn:gatehouse:problem:validation-failed', description: 'urn:gatehouse:problem:<code>, a stable code to branch on' })
  type: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599 })
  status: number;

  @ApiProperty()
  detail: string;

  @ApiProperty({ example: '/api/use-cases/0b9d6c1e-2f6a-4c1b-9a51-3f1d2c4b5a69', description: 'The path of the request' })
  instance: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'With a 422: each field at fault (at most 50)' })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({ type: 'integer', description: 'With a 422: how many more field errors were left out' })
  omittedErrors?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'With a 500: quote it when reporting the failure' })
  errorId?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'With a 503: also in the Retry-After header' })
  retryAfterSeconds?: number;
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

const WHEN: Record<ProblemStatus, string> = {
  400: 'The request could not be read (malformed JSON, a body cut short)',
  401: 'No valid credentials',
  403: 'Not allowed to do this',
  404: 'Not found, or not visible to the caller',
  409: 'Conflicts with the current state',
  413: 'The body is larger than the limit',
  415: 'The body is not JSON (or, for uploads, multipart/form-data)',
  422: 'The request is not valid; `errors` names each field at fault',
  429: 'Too many attempts; try again after Retry-After',
  500: 'Something went wrong on our side; the answer carries an errorId',
  503: 'The database is unavailable or overloaded; try again after Retry-After',
};

/** The document's answer for one refusal status: problem+json with ProblemDetailsResponse. */
export function problemResponse(status: ProblemStatus): ApiResponseOptions {
  return { status, description: WHEN[status], content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsResponse) } } } };
}

/** Declares the refusals a route (or every route of a controller) can answer, each as problem+json. */
export function ApiProblems(...statuses: ProblemStatus[]) {
  return applyDecorators(ApiExtraModels(ProblemDetailsResponse), ...statuses.map((status) => ApiResponse(problemResponse(status))));
}

import { ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailedError } from './domain-error';
import { inputProblems } from './text-rule';

/** Flattens class-validator's nested errors into one entry per field and message. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({
      field,
      // class-validator's whitelist message names the property without its path.
      detail: detail.replace(/^property (\S+) should not exist$/, `${field} is not an accepted field`),
    }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * The pipe every body, query and path parameter goes through: unknown fields
 * are refused (never silently dropped) and failures become field-level errors.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldErrors(errors)),
  });
}

/**
 * The text rule (see inputProblems) for query strings and path parameters, in
 * front of the ValidationPipe, so that no DTO transform sees a value it
 * refuses. JSON bodies get the same rule as they are parsed, before the
 * guards (some of which read the body); multipart forms in their parser.
 */
@Injectable()
export class TextRulePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'query' && metadata.type !== 'param') return value;
    const problems = inputProblems(value, metadata.data ?? '');
    if (problems.length) throw new ValidationFailedError(problems);
    return value;
  }
}

import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { ContentChange } from '../use-case-content';
import { RevisionView } from '../use-cases.service';
import { UseCaseContentResponse } from './use-case.response';

export class RevisionResponse implements RevisionView {
  @ApiProperty({ type: 'integer', minimum: 1 }) revision: number;
  @ApiProperty() contentHash: string;
  @ApiProperty({ type: [String], description: 'The top-level content fields this revision changed' }) changedFields: string[];
  @ApiProperty() summary: string;
  @ApiProperty({ format: 'uuid' }) authorId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RevisionWithContentResponse extends RevisionResponse {
  @ApiProperty({ type: UseCaseContentResponse }) content: UseCaseContentResponse;
}

/** Any JSON value: a changed field may hold a text, a number, an object, a list or null. */
const anyValue = (description: string): ApiPropertyOptions => ({
  description,
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object', additionalProperties: true, nullable: true }, { type: 'array', items: {} }],
});

export class ContentChangeResponse implements ContentChange {
  @ApiProperty({ example: 'risks.0.severity' }) path: string;
  @ApiProperty({ enum: ['added', 'removed', 'changed'] }) type: 'added' | 'removed' | 'changed';
  @ApiPropertyOptional(anyValue('The value before (absent when added)')) before?: unknown;
  @ApiPropertyOptional(anyValue('The value after (absent when removed)')) after?: unknown;
}

export class RevisionDiffResponse {
  @ApiProperty({ type: 'integer' }) from: number;
  @ApiProperty({ type: 'integer' }) to: number;
  @ApiProperty() fromHash: string;
  @ApiProperty() toHash: string;
  @ApiProperty({ type: [ContentChangeResponse] }) changes: ContentChangeResponse[];
}

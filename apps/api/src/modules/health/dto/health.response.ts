import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

type IndicatorResults = Record<string, { status: string; [detail: string]: unknown }>;

const indicators = (description: string): ApiPropertyOptions => ({
  type: 'object',
  description,
  additionalProperties: { type: 'object', required: ['status'], properties: { status: { type: 'string', example: 'up' } }, additionalProperties: true },
});

/** Terminus's health check result; when the database does not answer, the 503 is a problem carrying the same members. */
export class ReadinessResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty(indicators('The indicators that are up, by name (database)')) info: IndicatorResults;
  @ApiProperty(indicators('The indicators that are down, by name')) error: IndicatorResults;
  @ApiProperty(indicators('Every indicator, by name')) details: IndicatorResults;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { INT4_MAX } from '@app/errors';

export class PublishGatePolicyDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The whole policy: { name, checklistItems, gates: { <gate>: { minimal|limited|high: { signOffs, evidence, checklist } } } }',
  })
  @IsObject()
  document: Record<string, unknown>;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 1000) note?: string;
}

export class GatePolicyVersionParams {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: INT4_MAX })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  version: number;
}

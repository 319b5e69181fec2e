import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { INT4_MAX, IsUuid } from '@app/errors';

export class RevisionParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: INT4_MAX }) @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX) revision: number;
}

export class RevisionDiffParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: INT4_MAX }) @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX) from: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: INT4_MAX }) @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX) to: number;
}

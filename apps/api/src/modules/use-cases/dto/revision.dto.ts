import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { INT4_MAX, IsUuid } from '@app/errors';

export class RevisionParams {
  @IsUuid() id: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX) revision: number;
}

export class RevisionDiffParams {
  @IsUuid() id: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX) from: number;
  @Type(() => Number) @IsInt() @Min(1) @Max(INT4_MAX) to: number;
}

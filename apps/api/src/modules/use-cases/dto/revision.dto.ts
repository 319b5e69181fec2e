import { Type } from 'class-transformer';
import { IsInt, IsUUID, Min } from 'class-validator';

export class RevisionParams {
  @IsUUID() id: string;
  @Type(() => Number) @IsInt() @Min(1) revision: number;
}

export class RevisionDiffParams {
  @IsUUID() id: string;
  @Type(() => Number) @IsInt() @Min(1) from: number;
  @Type(() => Number) @IsInt() @Min(1) to: number;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsKeysetCursor } from './keyset-cursor';

/** The paging of every list ordered by (a time, an id): a page size and the cursor the previous page returned. */
export class KeysetPageQuery {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' }) @IsOptional() @IsString() @Length(1, 200) @IsKeysetCursor() cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

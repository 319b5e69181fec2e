import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsKeysetCursor } from './keyset-cursor';

/** The page size of the API's paged lists (the audit trail, with its larger pages, has its own). */
export class PageSizeQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;
}

/** The paging of every list ordered by (a time, an id): a page size and the cursor the previous page returned. */
export class KeysetPageQuery extends PageSizeQuery {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' }) @IsOptional() @IsString() @Length(1, 200) @IsKeysetCursor() cursor?: string;
}

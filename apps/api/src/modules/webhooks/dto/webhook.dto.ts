import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsUuid } from '@app/errors';
import { PageSizeQuery } from '../../../http/keyset-page.query';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/gatehouse', description: 'https:// (http:// only where GATEHOUSE_WEBHOOK_ALLOW_HTTP=true); its host must resolve to allowed addresses' })
  @IsString()
  @Length(1, 2048)
  url: string;

  @ApiProperty({ example: ['gate_review.*', 'use_case.retired'], description: 'Audit actions to receive: an action\'s name, `<type>.*`, or `*` for all' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  eventTypes: string[];

  @ApiPropertyOptional({ example: 'Release pipeline', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

export class RedeliverWebhookDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Send again from this seq (events the endpoint selects, in order); without it, deliveries resume where they stopped' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;
}

export class WebhookIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  id: string;
}

/** Deliveries page by their id, newest first: the cursor is the last id of the previous page. */
export class DeliveriesQuery extends PageSizeQuery {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'cursor is not a cursor this API returned' })
  cursor?: string;
}

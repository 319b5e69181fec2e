import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUrl, Length } from 'class-validator';
import { IsUuid } from '@app/errors';
import { EVIDENCE_KINDS, EvidenceKind } from '../evidence-kinds';

/** The form fields of a file upload; they come before the file part. */
export class EvidenceFileFields {
  @ApiProperty({ enum: EVIDENCE_KINDS }) @IsIn(EVIDENCE_KINDS) kind: EvidenceKind;
  @ApiProperty() @IsString() @Length(1, 200) title: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The evidence this is a new version of' })
  @IsOptional()
  @IsUuid()
  previousId?: string;
}

export class EvidenceLinkDto extends EvidenceFileFields {
  @ApiProperty({ example: 'https://wiki.example.com/model-card' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @Length(1, 2000)
  url: string;
}

export class EvidenceParams {
  @ApiProperty({ format: 'uuid' }) @IsUuid() id: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() evidenceId: string;
}

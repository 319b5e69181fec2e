import { ApiProperty } from '@nestjs/swagger';
import { EVIDENCE_KINDS, EvidenceKind } from '../evidence-kinds';
import { EvidenceView } from '../evidence.service';

/** One evidence version: a file (its name, media type, size and SHA-256) or a link. */
export class EvidenceResponse implements EvidenceView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) useCaseId: string;
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind: EvidenceKind;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['file', 'link'] }) source: 'file' | 'link';
  @ApiProperty({ type: String, nullable: true, description: 'For a link' }) url: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'For a file' }) fileName: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'For a file' }) mediaType: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'For a file' }) sizeBytes: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'For a file: SHA-256 (hex) of its bytes' }) sha256: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The version this one supersedes' }) previousId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The version superseding this one' }) supersededBy: string | null;
  @ApiProperty({ format: 'uuid' }) uploadedBy: string;
  @ApiProperty({ format: 'date-time' }) uploadedAt: string;
}

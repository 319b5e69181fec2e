import { Body, Controller, Get, Param, Patch, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Allow } from '@app/auth';
import { ApiProblems, ValidationFailedError } from '@app/errors';
import { EvidencePackQuery } from './dto/pack.dto';
import { EvidencePackService } from './evidence-pack.service';
import { EditSoaControlDto, SoaControlParams } from './dto/soa.dto';
import { SoaVersionResponse, StatementOfApplicabilityResponse } from './dto/soa.response';
import { StatementOfApplicabilityService } from './statement-of-applicability.service';

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/compliance/iso42001')
export class ComplianceController {
  constructor(
    private readonly soa: StatementOfApplicabilityService,
    private readonly packs: EvidencePackService,
  ) {}

  @Get('pack')
  @Allow('compliance:read')
  @ApiOperation({ summary: 'The evidence pack: a ZIP an auditor verifies offline (signed manifest, SoA, inventory, approval dossiers, policies, roles, metrics, the audit trail slice and its signed checkpoint, a report)' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'application/zip, streamed', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(422)
  async pack(@Query() query: EvidencePackQuery, @Res({ passthrough: true }) res: Response) {
    const to = query.to ?? new Date();
    if (query.from && query.from >= to) throw new ValidationFailedError([{ field: 'from', detail: 'from must be before to' }]);
    // A period that has not begun holds no record yet, not even the pack's own.
    if (query.from && query.from > new Date()) throw new ValidationFailedError([{ field: 'from', detail: 'from must not be in the future' }]);
    const { stream, fileName } = await this.packs.build({ from: query.from, to, files: query.files ?? false });
    res.set({ 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${fileName}"` });
    return new StreamableFile(stream);
  }

  @Get('soa')
  @Allow('compliance:read')
  @ApiOperation({ summary: 'The Statement of Applicability: every Annex A control, its applicability, status and owner, and the evidence Gatehouse holds for it' })
  @ApiOkResponse({ type: StatementOfApplicabilityResponse })
  current() {
    return this.soa.current();
  }

  @Get('soa/versions')
  @Allow('compliance:read')
  @ApiOkResponse({ type: [SoaVersionResponse] })
  versions() {
    return this.soa.versions();
  }

  @Patch('soa/controls/:controlId')
  @Allow('compliance:manage')
  @ApiOperation({ summary: "Change one control's entry: a new version of the statement, recorded in the audit trail" })
  @ApiOkResponse({ type: StatementOfApplicabilityResponse })
  @ApiProblems(400, 409, 422)
  edit(@Param() params: SoaControlParams, @Body() body: EditSoaControlDto) {
    const { basedOnVersion, note, ...edit } = body;
    return this.soa.edit(params.controlId, basedOnVersion, edit, note);
  }
}

import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { EditSoaControlDto, SoaControlParams } from './dto/soa.dto';
import { SoaVersionResponse, StatementOfApplicabilityResponse } from './dto/soa.response';
import { StatementOfApplicabilityService } from './statement-of-applicability.service';

@ApiTags('compliance')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/compliance/iso42001')
export class ComplianceController {
  constructor(private readonly soa: StatementOfApplicabilityService) {}

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

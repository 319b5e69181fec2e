import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditReader, describeVerification, EXPORT_MEDIA_TYPES } from '@app/audit';
import { Allow } from '@app/auth';
import { ApiProblems, PROBLEM_CONTENT_TYPE, ProblemDetailsFilter } from '@app/errors';
import { AuditEventPageResponse, AuditVerificationResponse } from './dto/audit-event.response';
import { ExportAuditEventsQuery, ListAuditEventsQuery, toAuditFilter, VerifyAuditQuery } from './dto/audit-query.dto';

/** The chain head in the exported snapshot, for checking an unfiltered export's last line. */
const CHAIN_HEAD_HEADER = 'X-Audit-Chain-Head';

const problems = new ProblemDetailsFilter();

/**
 * An export that fails before its first byte is sent is answered like any
 * other failure (problem+json, the cause in the log), not as the start of a
 * file; once bytes are out, the connection is cut so that a partial file can
 * never look complete (an unfiltered export must end at X-Audit-Chain-Head).
 */
function answerFailedExport(error: Error, res: Response) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const problem = problems.toProblem(error);
  res.removeHeader('Content-Disposition');
  res.removeHeader(CHAIN_HEAD_HEADER);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ ...problem, instance: res.req.originalUrl.split('?')[0] }));
}

@ApiTags('audit')
@ApiBearerAuth()
@Allow('audit:read')
@ApiProblems(401, 403)
@Controller('api/audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get('events')
  @ApiOperation({ summary: 'Page through audit events in sequence order' })
  @ApiOkResponse({ type: AuditEventPageResponse })
  @ApiProblems(422)
  list(@Query() query: ListAuditEventsQuery) {
    return this.reader.listEvents(toAuditFilter(query, query.cursor), query.limit);
  }

  @Get('export')
  @ApiOperation({ summary: 'Stream matching events as NDJSON or CSV, with everything needed to re-verify the chain' })
  @ApiProduces(EXPORT_MEDIA_TYPES.ndjson, EXPORT_MEDIA_TYPES.csv)
  @ApiOkResponse({
    description: 'A file (attachment): one event per line, NDJSON or CSV. A failure after the first byte cuts the connection, so a partial file never looks complete.',
    schema: { type: 'string' },
    headers: { [CHAIN_HEAD_HEADER]: { description: 'The chain head in the exported snapshot: seq=<n>; hash=<hex>', schema: { type: 'string' } } },
  })
  @ApiProblems(422)
  async export(@Query() query: ExportAuditEventsQuery, @Res({ passthrough: true }) res: Response) {
    const { stream, head } = await this.reader.exportEvents(toAuditFilter(query), query.format);
    res.setHeader(CHAIN_HEAD_HEADER, `seq=${head.seq}; hash=${head.hash}`);
    const filename = `gatehouse-audit-${new Date().toISOString().replace(/[:.]/g, '-')}.${query.format}`;
    const file = new StreamableFile(stream, { type: EXPORT_MEDIA_TYPES[query.format], disposition: `attachment; filename="${filename}"` });
    return file.setErrorHandler((error) => answerFailedExport(error, res));
  }

  @Get('verify')
  @ApiOperation({ summary: 'Walk the chain (or a range) and report the head or the first broken event' })
  @ApiOkResponse({ type: AuditVerificationResponse })
  @ApiProblems(422)
  async verify(@Query() query: VerifyAuditQuery) {
    const result = await this.reader.verify({ fromSeq: query.fromSeq, toSeq: query.toSeq });
    return { ...result, summary: describeVerification(result) };
  }
}

import { Controller, Get, Post, Query, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditCheckpoints, AuditReader, decodeCheckpointCursor, describeVerification, encodeCheckpointHeader, EXPORT_MEDIA_TYPES } from '@app/audit';
import { Allow } from '@app/auth';
import { ApiProblems, PROBLEM_CONTENT_TYPE, ProblemDetailsFilter, ValidationFailedError } from '@app/errors';
import { AuditCheckpointPageResponse, AuditCheckpointResponse, AuditPublicKeyResponse } from './dto/audit-checkpoint.response';
import { AuditEventPageResponse, AuditVerificationResponse } from './dto/audit-event.response';
import { ExportAuditEventsQuery, ListAuditCheckpointsQuery, ListAuditEventsQuery, toAuditFilter, VerifyAuditQuery } from './dto/audit-query.dto';

/** The chain head in the exported snapshot, for checking an unfiltered export's last line. */
const CHAIN_HEAD_HEADER = 'X-Audit-Chain-Head';
/** That head signed: the checkpoint's compact JSON, base64url-encoded (docs/audit-chain.md, section 7). */
const CHECKPOINT_HEADER = 'Audit-Checkpoint';

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
  res.removeHeader(CHECKPOINT_HEADER);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({ ...problem, instance: res.req.originalUrl.split('?')[0] }));
}

@ApiTags('audit')
@ApiBearerAuth()
@Allow('audit:read')
@ApiProblems(401, 403)
@Controller('api/audit')
export class AuditController {
  constructor(
    private readonly reader: AuditReader,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

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
    headers: {
      [CHAIN_HEAD_HEADER]: { description: 'The chain head in the exported snapshot: seq=<n>; hash=<hex>', schema: { type: 'string' } },
      [CHECKPOINT_HEADER]: {
        description: 'That head, signed: the checkpoint (chain, seq, headHash, signedAt, keyId, signature) as compact JSON, base64url-encoded',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblems(422)
  async export(@Query() query: ExportAuditEventsQuery, @Res({ passthrough: true }) res: Response) {
    const { stream, head, checkpoint } = await this.reader.exportEvents(toAuditFilter(query), query.format);
    res.setHeader(CHAIN_HEAD_HEADER, `seq=${head.seq}; hash=${head.hash}`);
    res.setHeader(CHECKPOINT_HEADER, encodeCheckpointHeader(checkpoint));
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

  @Get('public-key')
  @ApiOperation({ summary: 'The Ed25519 public key that signs checkpoints now, and every key that ever signed one' })
  @ApiOkResponse({ type: AuditPublicKeyResponse })
  async publicKey(): Promise<AuditPublicKeyResponse> {
    return { ...this.checkpoints.currentKey(), keys: await this.checkpoints.knownKeys() };
  }

  @Get('checkpoints')
  @ApiOperation({ summary: 'Page through signed checkpoints of the chain, newest first' })
  @ApiOkResponse({ type: AuditCheckpointPageResponse })
  @ApiProblems(422)
  listCheckpoints(@Query() query: ListAuditCheckpointsQuery) {
    let beforeSeq: number | undefined;
    if (query.cursor !== undefined) {
      beforeSeq = decodeCheckpointCursor(query.cursor);
      if (beforeSeq === undefined) throw new ValidationFailedError([{ field: 'cursor', detail: 'cursor is not a cursor this API returned' }]);
    }
    return this.checkpoints.list(query.limit, beforeSeq);
  }

  @Post('checkpoints')
  @ApiOperation({
    summary: "Sign the chain's current head now",
    description: 'Answers the stored checkpoint at the head: a new one, or the one signed earlier at the same seq. Keep it outside Gatehouse.',
  })
  @ApiCreatedResponse({ type: AuditCheckpointResponse })
  createCheckpoint() {
    return this.checkpoints.checkpointHead();
  }
}

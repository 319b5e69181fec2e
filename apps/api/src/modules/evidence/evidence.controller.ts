import { Body, Controller, Get, Inject, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ApiProblems } from '@app/errors';
import { UseCaseIdParams } from '../use-cases/dto/use-case.dto';
import { EvidenceLinkDto, EvidenceParams } from './dto/evidence.dto';
import { EvidenceResponse } from './dto/evidence.response';
import { EvidenceService } from './evidence.service';
import { receiveUpload } from './multipart-upload';

@ApiTags('evidence')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api/use-cases/:id/evidence')
export class EvidenceController {
  constructor(
    private readonly evidence: EvidenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Allow('use_cases:write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['kind', 'title', 'file'], properties: { kind: { type: 'string' }, title: { type: 'string' }, previousId: { type: 'string', format: 'uuid' }, file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'Upload an evidence file (multipart: kind, title, optional previousId, then file); streamed and hashed by the server' })
  @ApiCreatedResponse({ type: EvidenceResponse })
  @ApiProblems(400, 404, 409, 413, 415, 422)
  upload(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Req() req: Request) {
    const { maxBytes, uploadIdleTimeoutMs } = this.config.evidence;
    return receiveUpload(req, maxBytes, (file) => this.evidence.attachFile(principal, params.id, file, maxBytes), uploadIdleTimeoutMs);
  }

  @Post('links')
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Attach a link as evidence' })
  @ApiCreatedResponse({ type: EvidenceResponse })
  @ApiProblems(400, 404, 409, 422)
  attachLink(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: EvidenceLinkDto) {
    return this.evidence.attachLink(principal, params.id, body);
  }

  @Get()
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'Every evidence item and version, with the one it supersedes and the one superseding it' })
  @ApiOkResponse({ type: [EvidenceResponse] })
  @ApiProblems(404, 422)
  list(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.evidence.list(principal, params.id);
  }

  @Get(':evidenceId')
  @Allow('use_cases:read')
  @ApiOkResponse({ type: EvidenceResponse })
  @ApiProblems(404, 422)
  get(@CurrentPrincipal() principal: Principal, @Param() params: EvidenceParams) {
    return this.evidence.get(principal, params.id, params.evidenceId);
  }

  @Get(':evidenceId/content')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'The exact bytes uploaded, with their SHA-256 in X-Content-SHA256 and Repr-Digest' })
  @ApiOkResponse({
    description: 'The bytes as uploaded, in the media type they were uploaded with, as an attachment',
    content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
    headers: {
      'X-Content-SHA256': { description: 'SHA-256 of the bytes, hex', schema: { type: 'string' } },
      'Repr-Digest': { description: 'The same digest as RFC 9530 sha-256', schema: { type: 'string' } },
    },
  })
  @ApiProblems(404, 409, 422)
  async download(@CurrentPrincipal() principal: Principal, @Param() params: EvidenceParams, @Res({ passthrough: true }) res: Response) {
    const { evidence, content } = await this.evidence.download(principal, params.id, params.evidenceId);
    res.setHeader('X-Content-SHA256', evidence.sha256!);
    res.setHeader('Repr-Digest', `sha-256=:${Buffer.from(evidence.sha256!, 'hex').toString('base64')}:`);
    // The bytes are anyone's upload, served from the app's origin in the type they were sent with (text/html,
    // image/svg+xml…): opened as a page anyway (a viewer that ignores "attachment"), it runs no script and
    // has an opaque origin, so it can neither read the app's answers nor act with its session.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    return new StreamableFile(content, {
      type: evidence.mediaType ?? 'application/octet-stream',
      length: evidence.sizeBytes ?? undefined,
      disposition: attachmentDisposition(evidence.fileName),
      // Once bytes have gone out, a failure can only cut the connection: ending the response normally would look complete.
    }).setErrorHandler((error) => {
      if (!res.destroyed) res.destroy(error);
    });
  }
}

/**
 * RFC 6266: the name as UTF-8 in `filename*` (RFC 8187) when it is not plain
 * ASCII, with an ASCII `filename` fallback for old clients. A header value
 * must be Latin-1, so writing a name such as 日本.txt verbatim throws.
 */
function attachmentDisposition(fileName: string | null): string {
  return contentDisposition(fileName ?? 'evidence', { type: 'attachment' });
}

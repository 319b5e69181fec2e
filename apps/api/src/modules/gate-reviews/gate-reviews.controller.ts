import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, CurrentPrincipal, Principal } from '@app/auth';
import { ApiProblems } from '@app/errors';
import { UseCaseIdParams } from '../use-cases/dto/use-case.dto';
import { UseCaseResponse } from '../use-cases/dto/use-case.response';
import { ClearanceQuery, InboxQuery, ObligationParams, OpenReviewDto, ReviewIdParams, RollbackDto, SignOffDto, UpdateObligationDto } from './dto/gate-review.dto';
import { ClearanceResponse, GateReviewResponse, InboxPageResponse, ObligationResponse, OverdueUseCaseResponse, SignOffOutcomeResponse } from './dto/gate-review.response';
import { ObligationsService } from './obligations.service';
import { ReviewDecisions } from './review-decisions.service';
import { ReviewQueries } from './review-queries.service';

@ApiTags('gate-reviews')
@ApiBearerAuth()
@ApiProblems(401, 403)
@Controller('api')
export class GateReviewsController {
  constructor(
    private readonly decisions: ReviewDecisions,
    private readonly queries: ReviewQueries,
    private readonly obligationsOf: ObligationsService,
  ) {}

  @Post('use-cases/:id/reviews')
  @Allow('use_cases:write')
  @ApiOperation({ summary: 'Ask for the gate at the end of the current stage (or retirement); pins revision and policy version' })
  @ApiCreatedResponse({ type: GateReviewResponse })
  @ApiProblems(400, 404, 409, 422)
  open(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: OpenReviewDto) {
    return this.decisions.open(principal, params.id, body);
  }

  @Get('use-cases/:id/reviews')
  @Allow('use_cases:read')
  @ApiOkResponse({ type: [GateReviewResponse] })
  @ApiProblems(404, 422)
  list(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.queries.listForUseCase(principal, params.id);
  }

  @Get('reviews/overdue')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'Operating use cases whose periodic review is due, or whose intended use changed' })
  @ApiOkResponse({ type: [OverdueUseCaseResponse] })
  overdue(@CurrentPrincipal() principal: Principal) {
    return this.queries.overdue(principal);
  }

  @Get('reviews/:reviewId')
  @Allow('use_cases:read')
  @ApiOkResponse({ type: GateReviewResponse })
  @ApiProblems(404, 422)
  get(@CurrentPrincipal() principal: Principal, @Param() params: ReviewIdParams) {
    return this.queries.get(principal, params.reviewId);
  }

  @Post('reviews/:reviewId/sign-offs')
  @Allow('gate_reviews:decide')
  @ApiOperation({ summary: 'Approve (with conditions), request changes or reject, in one role, on the revision under review' })
  @ApiCreatedResponse({ type: SignOffOutcomeResponse, description: 'The review after the decision (passed when it completed the quorums) and the decision; the same size however long the history' })
  @ApiProblems(400, 404, 409, 422)
  signOff(@CurrentPrincipal() principal: Principal, @Param() params: ReviewIdParams, @Body() body: SignOffDto) {
    return this.decisions.signOff(principal, params.reviewId, body);
  }

  @Post('use-cases/:id/rollback')
  @Allow('gate_reviews:decide')
  @ApiOperation({ summary: 'Send the use case back to an earlier stage, with a reason (a role the policy names for its gate)' })
  @ApiCreatedResponse({ type: UseCaseResponse, description: 'The use case at the earlier stage' })
  @ApiProblems(400, 404, 409, 422)
  rollback(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Body() body: RollbackDto) {
    return this.decisions.rollback(principal, params.id, body);
  }

  @Get('use-cases/:id/clearance')
  @Allow('use_cases:read')
  @ApiOperation({ summary: 'For pipelines: is the use case cleared for this stage at this revision, and why (not)' })
  @ApiOkResponse({ type: ClearanceResponse })
  @ApiProblems(404, 422)
  clearance(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams, @Query() query: ClearanceQuery) {
    return this.queries.clearance(principal, params.id, query.stage, query.revision);
  }

  @Get('use-cases/:id/obligations')
  @Allow('use_cases:read')
  @ApiOkResponse({ type: [ObligationResponse] })
  @ApiProblems(404, 422)
  obligations(@CurrentPrincipal() principal: Principal, @Param() params: UseCaseIdParams) {
    return this.obligationsOf.list(principal, params.id);
  }

  @Patch('use-cases/:id/obligations/:obligationId')
  @Allow('use_cases:write')
  @ApiOkResponse({ type: ObligationResponse })
  @ApiProblems(400, 404, 409, 422)
  updateObligation(@CurrentPrincipal() principal: Principal, @Param() params: ObligationParams, @Body() body: UpdateObligationDto) {
    return this.obligationsOf.update(principal, params.id, params.obligationId, body.status, body.note);
  }

  @Get('me/inbox')
  @Allow('authenticated')
  @ApiOperation({ summary: 'Reviews waiting for my sign-off in the roles I hold, oldest first, a page at a time' })
  @ApiOkResponse({ type: InboxPageResponse })
  @ApiProblems(422)
  inbox(@CurrentPrincipal() principal: Principal, @Query() query: InboxQuery) {
    return this.queries.inbox(principal, query);
  }
}

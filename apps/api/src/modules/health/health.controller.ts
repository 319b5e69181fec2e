import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@app/auth';
import { LivenessResponse, ReadinessResponse } from './dto/health.response';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: LivenessResponse })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  // Described here rather than by Terminus: its 503 is answered as problem+json, like every refusal.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiOperation({ summary: 'Readiness: the database answers (503 when it does not)' })
  ready() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 2_000 })]);
  }
}

import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { createValidationPipe, ProblemDetailsFilter, ProblemDetailsResponse, problemResponse, TextRulePipe, UnsupportedMediaTypeError } from '@app/errors';
import { assignRequestId } from '@app/request-context';
import { AppModule } from './app.module';
import { parseJsonBody, SendProblem } from './http/json-body';
import { answerClientErrorsAsProblems } from './http/client-errors';
import { serveWebApp, WEB_APP_DIRECTORY } from './http/web-app';

/**
 * Builds the Nest application exactly as it runs in production. The service
 * entry point and the end-to-end tests both use this, so tests exercise the
 * real middleware, pipes, filters and guards.
 */
export async function createApp(
  config: AppConfig,
  options: { imports?: (Type | DynamicModule)[] } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options.imports), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureHttp(app, config);
  configureOpenApi(app);
  return app;
}

function configureHttp(app: NestExpressApplication, config: AppConfig) {
  const problems = new ProblemDetailsFilter();
  const sendProblem: SendProblem = (req, res, error) => problems.respond(req, res, error);

  answerClientErrorsAsProblems(app.getHttpServer());
  // The one proxy in front, not every hop: with `true` Express takes the left-most X-Forwarded-For entry, which
  // the client writes itself, so a made-up address would reset the sign-in limits and be recorded as the source.
  app.set('trust proxy', config.http.trustProxy ? 1 : false);
  app.use(assignRequestId);
  app.use(
    helmet({
      contentSecurityPolicy: {
        // Not upgrade-insecure-requests: on a plain-HTTP address (a first run, an intranet host) it would send
        // the web app's own scripts to an https:// that does not answer. Under TLS, HSTS keeps browsers there.
        directives: { upgradeInsecureRequests: null },
      },
    }),
  );
  app.use(neverCacheApiAnswers);
  if (!serveWebApp(app)) {
    app.get(Logger).warn(`The web app is not built (${WEB_APP_DIRECTORY} has no index.html): only the API is served. Run npm run build.`);
  }
  app.use(requireJsonBody(sendProblem));
  app.use(parseJsonBody(config.http.bodyLimitBytes, sendProblem));
  app.useGlobalPipes(new TextRulePipe(), createValidationPipe());
  app.useGlobalFilters(problems);
}

/**
 * The API's answers are one person's view of confidential records (use cases, evidence files, the trail):
 * no browser or proxy keeps them, so nothing read stays on a shared computer after signing out. The web
 * app's own files keep their caching (web-app.ts).
 */
function neverCacheApiAnswers(req: Request, res: Response, next: NextFunction) {
  if (/^\/api(\/|$)/i.test(req.path)) res.setHeader('Cache-Control', 'no-store');
  next();
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ACCEPTED_BODY_TYPES = ['application/json', 'application/*+json', 'multipart/form-data'];

/** A body in anything but JSON (or a multipart upload) is refused with 415 rather than ignored. */
function requireJsonBody(sendProblem: SendProblem) {
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!BODY_METHODS.has(req.method) || !hasBody || req.is(ACCEPTED_BODY_TYPES)) return next();
    sendProblem(req, res, new UnsupportedMediaTypeError(req.headers['content-type']));
  };
}

function configureOpenApi(app: INestApplication) {
  SwaggerModule.setup('api/docs', app, describeApi(app), { jsonDocumentUrl: 'api/docs-json' });
}

/** The OpenAPI document, served at /api/docs-json and written by `cli/openapi` for the web app's generated client. */
export function describeApi(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Gatehouse API')
      .setDescription('Governance workflow for AI use cases: lifecycle gates, sign-offs and a tamper-evident audit trail.')
      .setVersion('0.1.0')
      .addBearerAuth()
      // Any route can fail on our side or find the database unavailable.
      .addGlobalResponse(problemResponse(500), problemResponse(503))
      .build(),
    { extraModels: [ProblemDetailsResponse] },
  );
}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyKey } from './idempotency-key.entity';

/**
 * idempotency_keys, owned here. The interceptor is provided by AppModule (it
 * applies to every route); it reads and writes the table through this
 * module's entity.
 */
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKey])],
})
export class IdempotencyModule {}

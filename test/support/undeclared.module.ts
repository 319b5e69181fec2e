import { Controller, Get, Module } from '@nestjs/common';

/** A route someone forgot to declare a policy for. */
@Controller('undeclared')
class UndeclaredController {
  @Get()
  reachable() {
    return { leaked: true };
  }
}

@Module({ controllers: [UndeclaredController] })
export class UndeclaredModule {}

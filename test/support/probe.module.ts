import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { Public } from '@app/auth';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

class ProbeOwnerDto {
  @IsString()
  @Length(1, 20)
  name: string;
}

class CreateProbeDto {
  @IsString()
  @Length(1, 50)
  title: string;

  @IsInt()
  @Min(0)
  @Max(10)
  count: number;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];

  @IsOptional()
  @ValidateNested()
  @Type(() => ProbeOwnerDto)
  owner?: ProbeOwnerDto;
}

/**
 * A test-only route with a typical DTO, mounted beside the real modules to
 * exercise the global body parsing, validation and error mapping.
 */
@Public()
@Controller('probe')
class ProbeController {
  @Post()
  create(@Body() body: CreateProbeDto) {
    return body;
  }

  @Get('boom')
  boom() {
    throw new Error('connection string postgres://secret@db leaked');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}

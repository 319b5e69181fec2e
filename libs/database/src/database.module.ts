import { Global, Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { buildDataSourceOptions } from './data-source-options';
import { runMigrations } from './migrate';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (!config.database.url) {
          throw new Error('No database URL: main.ts starts the embedded server before creating the app.');
        }
        return {
          ...buildDataSourceOptions({ url: config.database.url, poolSize: config.database.poolSize }),
          autoLoadEntities: true,
        };
      },
    }),
  ],
})
export class DatabaseModule implements OnModuleInit {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Migrations run on every start, before any module's bootstrap hook and
   * before the app listens; a no-op when the schema is current.
   */
  async onModuleInit() {
    await runMigrations(this.dataSource);
  }
}

import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnvironment } from './environment';

/**
 * Loads `.env` (when present) and the process environment, validated; inject `ConfigService<Environment, true>`
 * and read with `getOrThrow`. `forRoot()` reads the environment when called, not when this file is imported,
 * so entry points can validate (and default) variables first and report problems in one line.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment })],
    };
  }
}

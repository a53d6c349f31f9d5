import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnvironment } from './environment';

/**
 * Loads `.env` (when present) and the process environment once, validated at boot; inject `ConfigService<Environment, true>`
 * and read with `getOrThrow`.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnvironment })],
})
export class AppConfigModule {}

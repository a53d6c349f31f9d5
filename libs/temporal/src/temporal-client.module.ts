import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Client, Connection } from '@temporalio/client';
import type { Environment } from '@idp/config';

export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');

/** Why Temporal could not be reached, in one line a person can act on. */
export function describeTemporalError(error: unknown, address: string): string {
  const message = error instanceof Error ? error.message : String(error);
  return `cannot reach the Temporal server at ${address} (TEMPORAL_ADDRESS): ${message.split('\n')[0]}`;
}

/**
 * Holds the one Temporal connection of an API process. `Connection.lazy` lets the API boot (and report itself
 * unhealthy) while Temporal is down; calls then fail fast and the API answers 503.
 */
@Injectable()
export class TemporalConnectionHolder implements OnApplicationShutdown {
  private readonly logger = new Logger('temporal');
  readonly connection: Connection;
  readonly client: Client;
  readonly address: string;
  readonly taskQueue: string;

  constructor(config: ConfigService<Environment, true>) {
    this.address = config.getOrThrow('TEMPORAL_ADDRESS', { infer: true });
    this.taskQueue = config.getOrThrow('TEMPORAL_TASK_QUEUE', { infer: true });
    this.connection = Connection.lazy({ address: this.address, connectTimeout: '5 seconds' });
    this.client = new Client({
      connection: this.connection,
      namespace: config.getOrThrow('TEMPORAL_NAMESPACE', { infer: true }),
    });
  }

  /**
   * Runs client calls with a deadline, so an unreachable server fails the request in seconds (the API then
   * answers 503) instead of after the SDK's long retry schedule.
   */
  withDeadline<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
    return this.connection.withDeadline(Date.now() + timeoutMs, fn);
  }

  /** True when the server answers a cheap call within the timeout. */
  async isReachable(timeoutMs = 3000): Promise<boolean> {
    try {
      await this.connection.withDeadline(Date.now() + timeoutMs, () =>
        this.connection.workflowService.getSystemInfo({}),
      );
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection
      .close()
      .catch((error: unknown) => this.logger.warn({ msg: 'closing Temporal connection failed', error: String(error) }));
  }
}

/** Temporal client for the API: inject `TemporalConnectionHolder` or the `Client` under `TEMPORAL_CLIENT`. */
@Global()
@Module({
  providers: [
    TemporalConnectionHolder,
    {
      provide: TEMPORAL_CLIENT,
      useFactory: (holder: TemporalConnectionHolder) => holder.client,
      inject: [TemporalConnectionHolder],
    },
  ],
  exports: [TemporalConnectionHolder, TEMPORAL_CLIENT],
})
export class TemporalClientModule {}

/** Parameter decorator for the Temporal `Client`. */
export const InjectTemporalClient = (): ParameterDecorator => Inject(TEMPORAL_CLIENT);

export * from './entities/migration.entity';
export * from './entities/milestone.entity';
export * from './entities/audit-event.entity';
export * from './entities/notification.entity';
export * from './data-source';
export * from './errors';
export * from './persistence.module';

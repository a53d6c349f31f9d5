import { Module } from '@nestjs/common';
import { PersistenceModule } from '@idp/persistence';
import { MigrationsModule } from '../migrations/migrations.module';
import { DataCheckFiguresController } from './figures.controller';
import { IssuesController } from './issues.controller';
import { PatientsController } from './patients.controller';
import { RecordChecksController } from './record-checks.controller';
import { ReportFiguresController } from './report-figures.controller';
import { SignOffController } from './sign-off.controller';
import { TestCriteriaController } from './test-criteria.controller';
import { DataCheckContext } from './data-check-context';
import { DataCheckFiguresService } from './figures.service';
import { IssuesService } from './issues.service';
import { PatientsService } from './patients.service';
import { RecordChecksService } from './record-checks.service';
import { ReportFiguresService } from './report-figures.service';
import { SignOffPackService } from './sign-off-pack.service';
import { SignOffService } from './sign-off.service';
import { TestCriteriaService } from './test-criteria.service';

const SERVICES = [
  DataCheckContext,
  TestCriteriaService,
  PatientsService,
  ReportFiguresService,
  IssuesService,
  RecordChecksService,
  DataCheckFiguresService,
  SignOffService,
  SignOffPackService,
];

/** Data checking (issue #7): criteria, patients, report figures, record checks, issues, figures, sign-off, pack. */
@Module({
  imports: [PersistenceModule, MigrationsModule],
  controllers: [
    TestCriteriaController,
    PatientsController,
    ReportFiguresController,
    RecordChecksController,
    IssuesController,
    DataCheckFiguresController,
    SignOffController,
  ],
  providers: SERVICES,
  exports: SERVICES,
})
export class DataCheckingModule {}

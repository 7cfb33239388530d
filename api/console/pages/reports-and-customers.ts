/** The reports pages and the customer pages, listed once (api/console/pages/index.ts adds them to the console). */
import type { ConsolePage } from '../page.js';
import { customerPage } from './customer.js';
import { customersPage } from './customers.js';
import { answersReportPage } from './report-answers.js';
import { routeQrPage } from './report-route-qr.js';
import { routesReportPage } from './report-routes.js';
import { storesReportPage } from './report-stores.js';
import { reportsPage } from './reports.js';

export const REPORT_AND_CUSTOMER_PAGES: readonly ConsolePage[] = [
  reportsPage,
  routesReportPage,
  routeQrPage,
  storesReportPage,
  answersReportPage,
  customersPage,
  customerPage,
];

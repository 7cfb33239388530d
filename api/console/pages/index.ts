/** Every console page, in one list: adding a page is adding its module here (see docs/console.md). */
import type { ConsolePage } from '../page.js';
import { journeyPage } from './journey.js';
import { journeysPage } from './journeys.js';
import { REPORT_AND_CUSTOMER_PAGES } from './reports-and-customers.js';

export const CONSOLE_PAGES: readonly ConsolePage[] = [journeysPage, journeyPage, ...REPORT_AND_CUSTOMER_PAGES];

/** `/v1/reports/answers/:journeyId`, `/v1/reports/stores` and `/v1/reports/line-budget` (scope `journeys:read`). */
import { Router } from 'express';
import { z } from 'zod';
import type { Models } from '../../store/connection.js';
import { ApiError } from '../http/errors.js';
import type { Auth } from '../http/auth.js';
import type { LineBudgetPort } from '../ports.js';
import { parseOrThrow } from '../http/validate.js';
import { answersReport } from './answers.js';
import { parsePeriod } from './period.js';
import { storesReport } from './stores.js';

/** The query of the answers report: `days`, the purchase window after an answer (default 30, at most 365). */
export const answersQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) });

export function reportsRouter(deps: {
  models: Models;
  auth: Auth;
  clock: () => number;
  lineBudget?: LineBudgetPort | null;
}): Router {
  const router = Router();
  router.get('/v1/reports/answers/:journeyId', deps.auth.require('journeys:read'), (req, res, next) => {
    const { days } = parseOrThrow(answersQuery, req.query);
    answersReport(deps.models, String(req.params.journeyId), days)
      .then((report) => res.json(report))
      .catch(next);
  });
  router.get('/v1/reports/stores', deps.auth.require('journeys:read'), (req, res, next) => {
    const period = parsePeriod(req.query, deps.clock());
    storesReport(deps.models, period)
      .then((report) => res.json(report))
      .catch(next);
  });
  router.get('/v1/reports/line-budget', deps.auth.require('journeys:read'), (_req, res, next) => {
    if (!deps.lineBudget) {
      const message =
        'No LINE budget is set: add line_budget: { monthly, reserve } to definitions/workspace.yaml (see docs/line-budget.md).';
      throw new ApiError(404, 'LINE_BUDGET_NOT_CONFIGURED', message);
    }
    deps.lineBudget
      .status()
      .then((status) => res.json(status))
      .catch(next);
  });
  return router;
}

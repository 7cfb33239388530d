/**
 * `GET /v1/reports/answers/:journeyId?days=N`: the survey answers a journey received (LINE postback
 * data awaited by its `wait_for: line.postback` steps, every published version), tallied per question
 * and answer, crossed with the answering customer's friend-add route (`acquisitionRoute`) and with
 * their purchases within `days` after answering. Postback data `q=taste&a=bitter` is read as pairs
 * (question `q`, answer `taste`; question `a`, answer `bitter`); data without `=` is the answer to a
 * question named after the step.
 */
import type { Models } from '../../store/connection.js';
import { readAnswererFacts, readStepAnswers, type AnswerRow, type AnswererFacts } from '../../store/answers.js';
import { listJourneyVersions, loadJourneyVersion } from '../../store/journeys.js';
import { ApiError } from '../http/errors.js';

/** Figures of one cell: answers, answerers who bought within the window, and what they spent. */
export interface AnswerFigures {
  answers: number;
  purchased: number;
  revenue: number;
}

export interface AnswerTally extends AnswerFigures {
  answer: string;
  /** Share of answers followed by a purchase within the window (null when none). */
  purchaseRate: number | null;
  routes: Array<AnswerFigures & { route: string | null }>;
}

export interface AnswersReport {
  journeyId: string;
  purchaseWindowDays: number;
  questions: Array<{ question: string; answers: number; tally: AnswerTally[] }>;
}

const DAY_MS = 86_400_000;

/** The (question, answer) pairs of postback data. */
export function parseAnswer(data: string, stepId: string): Array<[string, string]> {
  if (!data.includes('=')) return [[stepId, data]];
  return [...new URLSearchParams(data)].filter(([question]) => question !== '');
}

/** Every answer the journey's postback `wait_for` steps received, all versions. Throws 404 for an unknown journey. */
async function readAnswers(models: Models, journeyId: string): Promise<AnswerRow[]> {
  const versions = await listJourneyVersions(models, journeyId);
  if (versions.length === 0) throw new ApiError(404, 'JOURNEY_NOT_FOUND', `No journey "${journeyId}".`);
  const answers: AnswerRow[] = [];
  for (const { version } of versions) {
    const plan = (await loadJourneyVersion(models, journeyId, version))?.plan;
    for (const step of Object.values(plan?.steps ?? {})) {
      if (step.kind !== 'wait_for' || step.event !== 'line.postback') continue;
      answers.push(...(await readStepAnswers(models, { journeyId, version, stepId: step.id })));
    }
  }
  return answers;
}

const empty = (): AnswerFigures => ({ answers: 0, purchased: 0, revenue: 0 });

function addTo(into: AnswerFigures, facts: AnswererFacts, answer: AnswerRow, windowMs: number) {
  const after = facts.orders.filter((o) => o.atMs >= answer.atMs && o.atMs < answer.atMs + windowMs);
  into.answers += 1;
  if (after.length > 0) into.purchased += 1;
  into.revenue += after.reduce((sum, o) => sum + o.total, 0);
}

/** The report of a journey; purchases count within `days` after each answer. */
export async function answersReport(models: Models, journeyId: string, days: number): Promise<AnswersReport> {
  const answers = await readAnswers(models, journeyId);
  const facts = new Map<string, AnswererFacts>();
  // question -> answer -> route -> figures
  const cells = new Map<string, Map<string, Map<string | null, AnswerFigures>>>();
  for (const answer of answers) {
    if (!facts.has(answer.customerId)) facts.set(answer.customerId, await readAnswererFacts(models, answer.customerId));
    const known = facts.get(answer.customerId)!;
    for (const [question, value] of parseAnswer(answer.data, answer.stepId)) {
      const byAnswer = cells.get(question) ?? new Map<string, Map<string | null, AnswerFigures>>();
      const byRoute = byAnswer.get(value) ?? new Map<string | null, AnswerFigures>();
      const cell = byRoute.get(known.route) ?? empty();
      addTo(cell, known, answer, days * DAY_MS);
      byRoute.set(known.route, cell);
      byAnswer.set(value, byRoute);
      cells.set(question, byAnswer);
    }
  }
  return { journeyId, purchaseWindowDays: days, questions: [...cells].map(([q, byAnswer]) => question(q, byAnswer)) };
}

function question(name: string, byAnswer: Map<string, Map<string | null, AnswerFigures>>) {
  const tally: AnswerTally[] = [...byAnswer].map(([answer, byRoute]) => {
    const routes = [...byRoute].map(([route, f]) => ({ route, ...f })).sort((a, b) => b.answers - a.answers);
    const total = routes.reduce(
      (t, r) => ({
        answers: t.answers + r.answers,
        purchased: t.purchased + r.purchased,
        revenue: t.revenue + r.revenue,
      }),
      empty(),
    );
    return { answer, ...total, purchaseRate: total.answers > 0 ? total.purchased / total.answers : null, routes };
  });
  tally.sort((a, b) => b.answers - a.answers || a.answer.localeCompare(b.answer));
  return { question: name, answers: tally.reduce((n, t) => n + t.answers, 0), tally };
}

/**
 * `/console/reports/answers?journey=<id>&days=30`: a journey's survey answers (`GET
 * /v1/reports/answers/:journeyId`) — per question, the answers as bars, a table of each answer with the
 * purchases that followed within `days`, and the answers crossed with the answerers' routes.
 */
import { listHeads } from '../../journeys/catalog.js';
import type { AnswerTally, AnswersReport } from '../../reports/answers.js';
import { ConsoleError } from '../errors.js';
import { html, type Html } from '../html.js';
import { defineMessages } from '../i18n.js';
import type { ConsolePage, PageContext } from '../page.js';
import { barChart, chartBox } from '../reports/charts.js';
import { readAnswersReport } from '../reports/data.js';
import { reportMessages } from '../reports/messages.js';

const messages = defineMessages({
  ja: {
    title: 'アンケート回答',
    journey: 'ジャーニー',
    days: '回答後に購入を数える日数',
    show: '表示',
    choose: 'ジャーニーを選んでください。',
    noJourney: '公開されたジャーニーはまだありません。',
    empty: 'このジャーニーにはまだ回答がありません（line.postback を待つ wait_for の回答を集計します）。',
    question: '設問「{question}」（回答 {answers}）',
    chartTitle: '設問「{question}」の回答',
    chartDesc: '回答ごとの件数。{list}',
    answer: '回答',
    answers: '回答数',
    purchased: '{days} 日以内に購入',
    purchaseRate: '購入率',
    revenue: '売上',
    tally: '設問「{question}」の回答と購入',
    cross: '設問「{question}」の回答 × 流入経路',
    route: '流入経路',
  },
  en: {
    title: 'Survey answers',
    journey: 'Journey',
    days: 'Days after answering for purchases',
    show: 'Show',
    choose: 'Choose a journey.',
    noJourney: 'No journey is published yet.',
    empty: 'This journey has no answers yet (answers are what its wait_for steps on line.postback received).',
    question: 'Question "{question}" ({answers} answers)',
    chartTitle: 'Answers to "{question}"',
    chartDesc: 'How many gave each answer. {list}',
    answer: 'Answer',
    answers: 'Answers',
    purchased: 'Bought within {days} days',
    purchaseRate: 'Purchase rate',
    revenue: 'Revenue',
    tally: 'Answers to "{question}" and purchases',
    cross: 'Answers to "{question}" by route',
    route: 'Route',
  },
});

type Question = AnswersReport['questions'][number];

function tallyTable(ctx: PageContext, report: AnswersReport, q: Question): Html {
  const t = ctx.translate(messages);
  const rows = q.tally.map(
    (a) =>
      html`<tr data-answer="${a.answer}">
        <th scope="row">${a.answer}</th>
        <td class="num" data-field="answers">${ctx.fmt.number(a.answers)}</td>
        <td class="num" data-field="purchased">${ctx.fmt.number(a.purchased)}</td>
        <td class="num" data-field="purchaseRate">${ctx.fmt.percent(a.purchaseRate)}</td>
        <td class="num" data-field="revenue">${ctx.fmt.number(a.revenue)}</td>
      </tr>`,
  );
  return html`<table class="data tally">
    <caption>
      ${t('tally', { question: q.question })}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('answer')}</th>
        <th scope="col" class="num">${t('answers')}</th>
        <th scope="col" class="num">${t('purchased', { days: report.purchaseWindowDays })}</th>
        <th scope="col" class="num">${t('purchaseRate')}</th>
        <th scope="col" class="num">${t('revenue')}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function crossRows(ctx: PageContext, a: AnswerTally): Html[] {
  const r = ctx.translate(reportMessages);
  return a.routes.map(
    (route) =>
      html`<tr data-answer="${a.answer}" data-route="${route.route ?? ''}">
        <th scope="row">${a.answer}</th>
        <td>${route.route ?? r('noRoute')}</td>
        <td class="num" data-field="answers">${ctx.fmt.number(route.answers)}</td>
        <td class="num" data-field="purchased">${ctx.fmt.number(route.purchased)}</td>
        <td class="num" data-field="revenue">${ctx.fmt.number(route.revenue)}</td>
      </tr>`,
  );
}

function crossTable(ctx: PageContext, report: AnswersReport, q: Question): Html {
  const t = ctx.translate(messages);
  return html`<table class="data cross">
    <caption>
      ${t('cross', { question: q.question })}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('answer')}</th>
        <th scope="col">${t('route')}</th>
        <th scope="col" class="num">${t('answers')}</th>
        <th scope="col" class="num">${t('purchased', { days: report.purchaseWindowDays })}</th>
        <th scope="col" class="num">${t('revenue')}</th>
      </tr>
    </thead>
    <tbody>
      ${q.tally.flatMap((a) => crossRows(ctx, a))}
    </tbody>
  </table>`;
}

function questionSection(ctx: PageContext, report: AnswersReport, q: Question, index: number): Html {
  const t = ctx.translate(messages);
  const bars = q.tally.map((a) => ({ label: a.answer, value: a.answers, text: ctx.fmt.number(a.answers) }));
  const list = q.tally.map((a) => `${a.answer}: ${a.answers}`).join(', ');
  const chart = barChart(
    { id: `chart-q${index}`, title: t('chartTitle', { question: q.question }), desc: t('chartDesc', { list }) },
    bars,
  );
  return html`<section class="question" data-question="${q.question}">
    <h2>${t('question', { question: q.question, answers: ctx.fmt.number(q.answers) })}</h2>
    ${chartBox(t('chartTitle', { question: q.question }), chart)} ${tallyTable(ctx, report, q)}
    ${crossTable(ctx, report, q)}
  </section>`;
}

async function chooser(ctx: PageContext, journeyId: string | undefined, days: number): Promise<Html | null> {
  const t = ctx.translate(messages);
  const heads = await listHeads(ctx.deps.models);
  if (heads.length === 0) return null;
  const options = heads.map(
    (h) =>
      html`<option value="${h.journeyId}" ${h.journeyId === journeyId ? html`selected` : ''}>
        ${h.name} (${h.journeyId})
      </option>`,
  );
  return html`<form method="get" action="/console/reports/answers" class="toolbar">
    <label for="answers-journey">${t('journey')}</label>
    <select id="answers-journey" name="journey" data-autosubmit>
      ${journeyId ? '' : html`<option value="">—</option>`} ${options}
    </select>
    <label for="answers-days">${t('days')}</label>
    <input id="answers-days" name="days" type="number" min="1" max="365" value="${days}" required />
    <button type="submit">${t('show')}</button>
  </form>`;
}

function readQuery(ctx: PageContext): { journeyId: string | undefined; days: number } {
  const journey = typeof ctx.query.journey === 'string' && ctx.query.journey !== '' ? ctx.query.journey : undefined;
  const daysText = typeof ctx.query.days === 'string' && ctx.query.days !== '' ? ctx.query.days : '30';
  const days = Number(daysText);
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new ConsoleError(400, 'BAD_REQUEST', '"days" is a whole number from 1 to 365.');
  }
  return { journeyId: journey, days };
}

export const answersReportPage: ConsolePage = {
  path: '/reports/answers',
  section: 'reports',
  scope: 'journeys:read',
  async render(ctx) {
    const t = ctx.translate(messages);
    const { journeyId, days } = readQuery(ctx);
    const form = await chooser(ctx, journeyId, days);
    if (!form) return { title: t('title'), body: html`<p>${t('noJourney')}</p>` };
    if (!journeyId)
      return {
        title: t('title'),
        body: html`${form}
          <p>${t('choose')}</p>`,
      };
    const report = await readAnswersReport(ctx.deps.models, journeyId, days);
    const sections = report.questions.map((q, i) => questionSection(ctx, report, q, i));
    return { title: t('title'), body: html`${form} ${sections.length > 0 ? sections : html`<p>${t('empty')}</p>`}` };
  },
};

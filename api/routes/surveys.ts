import { Router } from '@koa/router';
import { answerSurveyInput, surveyTokenParam } from '#core/notification/survey.service';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';

/**
 * Claim satisfaction surveys, answered from the link in the customer's subscribe message. The token in
 * the path is the credential (unguessable, one survey), so these routes take no session.
 */
export function surveysRouter(deps: Pick<AppDeps, 'services'>) {
  const { surveys } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.get('/surveys/:token', async (ctx) => {
    const { token } = parseInput(surveyTokenParam, ctx.params, 'path');
    ctx.body = await surveys.view(token);
  });

  router.post('/surveys/:token', async (ctx) => {
    const { token } = parseInput(surveyTokenParam, ctx.params, 'path');
    const input = parseInput(answerSurveyInput, ctx.request.body, 'survey');
    const answer = await surveys.answer(token, input);
    ctx.state.log.info({ score: answer.score }, 'survey answered');
    ctx.status = 201;
    ctx.body = answer;
  });

  return router;
}

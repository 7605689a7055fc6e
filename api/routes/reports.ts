import { Router } from '@koa/router';
import { z } from 'zod';
import { exportTable } from '#core/import/export';
import { kpiCsvRows } from '#core/report/report.service';
import { parseInput } from '#core/validation';
import type { AppDeps, AppState } from '../context.js';
import { principalOf, requireAuth } from '../middleware/auth.js';

export const kpiQuery = z.strictObject({
  scope: z.string().trim().max(40).optional(),
  from: z.string().trim().max(10).optional(),
  to: z.string().trim().max(10).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

/** KPIs (报表): GET /reports/kpis, JSON or CSV. */
export function reportsRouter(deps: Pick<AppDeps, 'services'>) {
  const { reports, auth } = deps.services;
  const router = new Router<AppState>({ prefix: '/api/v1' });

  router.get('/reports/kpis', requireAuth(auth), async (ctx) => {
    const q = parseInput(kpiQuery, ctx.query, 'query');
    const k = await reports.kpis(principalOf(ctx.state).principal, q);
    if (q.format === 'json') {
      ctx.body = k;
      return;
    }
    ctx.set('Content-Disposition', `attachment; filename="kpis-${k.from}-${k.to}.csv"`);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = exportTable(
      'csv',
      [
        { header: '指标', value: (r: [string, string | number | null]) => r[0] },
        { header: '值', value: (r: [string, string | number | null]) => r[1] },
      ],
      (async function* () {
        yield kpiCsvRows(k);
      })(),
    );
  });

  return router;
}

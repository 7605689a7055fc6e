import { z } from 'zod';
import type { JobDeps } from './deps.js';
import { defineJob } from './job.js';

/** Nightly segmentation: tier (with RFM), book, lifecycle and property risk for every customer. */
export function segmentationJobs(deps: JobDeps) {
  return [
    defineJob({
      name: 'segmentation.nightly',
      description:
        'Recompute value tier (RFM on policy events), book, lifecycle and property risk level for every customer, in batches',
      data: z.strictObject({ batchSize: z.number().int().min(10).max(2000).optional() }),
      // Hours at 100,000 customers on the embedded database; rerunning is harmless (same inputs, same result).
      lockLifetimeMs: 4 * 60 * 60_000,
      async run(ctx, data) {
        const started = Date.now();
        const result = await deps.services.segmentation.recomputeAll({
          now: ctx.now,
          batchSize: data.batchSize,
          onBatch: (r) => {
            if (r.batches % 20 === 0) ctx.log.info({ ...r }, 'segmentation.nightly progress');
          },
        });
        return { ...result, ms: Date.now() - started };
      },
    }),
  ];
}

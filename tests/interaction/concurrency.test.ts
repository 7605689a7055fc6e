import { describe, expect, test } from 'vitest';
import { actorFor } from '../factories/customers.js';
import { useTestDatabase } from '../setup/test-db.js';
import { buildWorld } from '../customer/world.js';

const db = useTestDatabase();

describe('concurrent writes to one customer', () => {
  test('when ten interactions with different needs are logged at once, then none of the needs is lost', async () => {
    const w = await buildWorld(db);
    const c = await w.f.customer(w.users.a1, { name: '并发客户' });
    const tags = Array.from({ length: 10 }, (_, i) => `需求${i}`);
    await Promise.all(
      tags.map((tag) =>
        w.t.services.interactions.create(actorFor(w.users.a1), {
          customerId: c.id,
          type: 'wechat',
          summary: tag,
          tags: [tag],
        }),
      ),
    );
    const stored = await db().models.Customer.findById(c.id).lean();
    expect([...(stored?.softInfo?.tags ?? [])].sort()).toEqual([...tags].sort());
    expect(stored?.segmentation?.reasons?.book?.[0]).toBe('筛选本: 已有 10 次沟通记录，尚未成交');
    expect(await db().models.Interaction.countDocuments({ customerId: c.id })).toBe(10);
  });

  test('when a PATCH and an interaction land at once, then the PATCH does not wipe the needs the interaction added', async () => {
    const w = await buildWorld(db);
    const c = await w.f.customer(w.users.a1, { name: '并发客户二' });
    for (let i = 0; i < 5; i++) {
      await Promise.all([
        w.t.services.customers.update(actorFor(w.users.a1), c.id, { region: `区域${i}` }),
        w.t.services.interactions.create(actorFor(w.users.a1), {
          customerId: c.id,
          type: 'call',
          summary: 's',
          tags: [`标签${i}`],
        }),
      ]);
    }
    const stored = await db().models.Customer.findById(c.id).lean();
    expect(stored?.region).toBe('区域4');
    expect([...(stored?.softInfo?.tags ?? [])].sort()).toEqual(['标签0', '标签1', '标签2', '标签3', '标签4']);
  });
});

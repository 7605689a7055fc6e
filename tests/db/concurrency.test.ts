import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { MongoClient, type Collection } from 'mongodb';
import { uniqueDbName } from '../setup/test-db.js';

// The embedded FerretDB 1.24 applies an update as read-modify-write of the whole document. Without
// the write serialisation in embedded-db/, concurrent updates of one document lose each other and two
// conditional updates from the same state both "win". Everything exactly-once in Qibao (job locks,
// outbox claims, claim transitions) relies on these two properties, so they are tested here directly.
let client: MongoClient;
interface RaceDoc {
  _id: string;
  state?: string;
  winner?: number;
  [field: string]: unknown;
}
let coll: Collection<RaceDoc>;

beforeAll(async () => {
  client = await new MongoClient(inject('mongoUri')).connect();
  coll = client.db(uniqueDbName()).collection('race');
});
afterAll(async () => {
  await coll.db.dropDatabase();
  await client.close();
});

describe('database concurrency guarantees', () => {
  test('when 30 clients $set different fields of one document at once, then all 30 fields are kept', async () => {
    await coll.insertOne({ _id: 'doc' });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => coll.updateOne({ _id: 'doc' }, { $set: { [`f${i}`]: i } })),
    );
    const doc = await coll.findOne({ _id: 'doc' });
    const fields = Object.keys(doc ?? {}).filter((k) => k.startsWith('f'));
    expect(fields).toHaveLength(30);
  });

  test('when 20 clients race a conditional update from the same state, then exactly one wins', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `claim-${round}`;
      await coll.insertOne({ _id: id, state: 'pending' });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          coll.findOneAndUpdate({ _id: id, state: 'pending' }, { $set: { state: 'taken', winner: i } }),
        ),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    }
  });

  test('when 20 clients $inc one counter at once, then the count is exact', async () => {
    const counters = coll.db.collection<{ _id: string; n: number }>('counters');
    await counters.insertOne({ _id: 'counter', n: 0 });
    await Promise.all(
      Array.from({ length: 20 }, () => counters.updateOne({ _id: 'counter' }, { $inc: { n: 1 } })),
    );
    expect((await counters.findOne({ _id: 'counter' }))?.n).toBe(20);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { MongoClient, ObjectId, type Collection, type Document, type Filter, type Sort } from 'mongodb';
import { uniqueDbName } from '../setup/test-db.js';

// The embedded database translates filters, sorts and limits into SQLite (embedded-db/ferretdb-overlay).
// A translation may only ever select a superset of the matching documents, and LIMIT/count(*) are pushed
// down only when it is exact. These cases are the ones where a naive translation goes wrong — arrays
// (matched element-wise), ObjectId vs string, dotted paths, numbers ordered as text, escaped characters —
// and every answer is what MongoDB answers (written to hold on MongoDB too; run with MONGODB_URI set).
interface Doc {
  _id: string;
  kind?: string;
  tag?: unknown;
  ref?: unknown;
  n?: unknown;
  at?: Date;
  name?: unknown;
  day?: unknown;
  a?: { b: number };
  flag?: boolean;
}

let client: MongoClient;
let coll: Collection<Doc>;

const ids = (docs: Doc[]) => docs.map((d) => d._id);
const find = async (filter: Filter<Doc>, sort?: Sort, skip = 0, limit = 0) =>
  ids(await coll.find(filter, { ...(sort ? { sort } : {}), skip, limit }).toArray());
const sorted = async (filter: Filter<Doc>) => (await find(filter)).sort();

const refId = new ObjectId('65a0a0a00100000100000001');
const day0 = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  client = await new MongoClient(inject('mongoUri')).connect();
  coll = client.db(uniqueDbName()).collection<Doc>('pushdown');
  for (const field of ['kind', 'tag', 'ref', 'n', 'name', 'day', 'flag'])
    await coll.createIndex({ [field]: 1 });
  await coll.createIndex({ kind: 1, at: -1 });
  const docs: Doc[] = [
    { _id: 't1', kind: 'tag', tag: 'a' },
    { _id: 't2', kind: 'tag', tag: ['b', 'a'] },
    { _id: 't3', kind: 'tag', tag: 'b' },
    { _id: 't4', kind: 'tag' },
    { _id: 'r1', kind: 'ref', ref: refId },
    { _id: 'r2', kind: 'ref', ref: refId.toHexString() },
    { _id: 'n1', kind: 'num', n: 9 },
    { _id: 'n2', kind: 'num', n: 10 },
    { _id: 'n3', kind: 'num', n: 100 },
    { _id: 'n4', kind: 'num', n: -1 },
    { _id: 'n5', kind: 'num', n: 2.5 },
    { _id: 's1', kind: 'str', name: '张妍丽', day: '2026-01-01' },
    { _id: 's2', kind: 'str', name: 'abcd', day: '2026-01-01!' },
    { _id: 's3', kind: 'str', name: ['xx', 'abzz'], day: ['2025-12-31', '2026-01-10'] },
    { _id: 's4', kind: 'str', name: 'a<b&"c"', day: 20260101 },
    { _id: 's5', kind: 'str', name: 'ABCD', day: '2026-03-01' },
    { _id: 's6', kind: 'str', name: 'xcdy', day: '2026-01-15' },
    { _id: 'd1', kind: 'dot', a: { b: 1 } },
    { _id: 'd2', kind: 'dot', a: { b: 2 } },
    { _id: 'd3', kind: 'dot', a: { b: 1 } },
    { _id: 'b1', kind: 'bool', flag: true },
    { _id: 'b2', kind: 'bool', flag: false },
  ];
  for (let i = 0; i < 30; i++) {
    docs.push({
      _id: `p${String(i).padStart(2, '0')}`,
      kind: 'page',
      at: new Date(day0 + ((i * 7) % 30) * 3_600_000),
    });
  }
  await coll.insertMany(docs);
});
afterAll(async () => {
  await coll.db.dropDatabase();
  await client.close();
});

describe('filters translated for the embedded database match what MongoDB matches', () => {
  test('when a field holds an array in some documents, then equality and $in still match its elements', async () => {
    expect(await sorted({ tag: 'a' })).toEqual(['t1', 't2']);
    expect(await sorted({ tag: { $in: ['a', 'b'] } })).toEqual(['t1', 't2', 't3']);
    expect(await sorted({ tag: { $eq: 'b' } })).toEqual(['t2', 't3']);
    expect(await find({ kind: 'tag', tag: { $in: [] } })).toEqual([]);
  });

  test('when an ObjectId and a string share the same hex text, then each query matches only its own type', async () => {
    expect(await find({ ref: refId })).toEqual(['r1']);
    expect(await find({ ref: refId.toHexString() })).toEqual(['r2']);
    // Counts and limits assume a field never mixes the two (mongoose casts every id to one type):
    // embedded-db/README.md, "Query pushdown".
  });

  test('when a filter has a dotted path, then a limited, sorted query still applies it before the limit', async () => {
    expect(await find({ kind: 'dot', 'a.b': 1 }, { _id: -1 }, 0, 1)).toEqual(['d3']);
    expect(await coll.countDocuments({ kind: 'dot', 'a.b': 1 })).toBe(2);
  });

  test('when $or mixes translatable and untranslatable branches, then the result is complete', async () => {
    expect(await sorted({ $or: [{ tag: 'a' }, { n: { $exists: true, $gt: 50 } }] })).toEqual([
      'n3',
      't1',
      't2',
    ]);
    expect(await sorted({ kind: 'tag', $or: [{ tag: 'b' }, { tag: { $exists: false } }] })).toEqual([
      't2',
      't3',
      't4',
    ]);
  });

  test('when $or branches share a literal, or nest, then every matching document is still found', async () => {
    expect(await sorted({ $or: [{ name: { $regex: 'bc' } }, { name: { $regex: '^abc' } }] })).toEqual(['s2']);
    expect(await sorted({ $or: [{ name: { $regex: 'cd' } }, { name: { $regex: '^abc' } }] })).toEqual([
      's2',
      's6',
    ]);
    expect(await sorted({ $or: [{ tag: 'b' }, { $or: [{ name: { $regex: 'zz' } }] }] })).toEqual([
      's3',
      't2',
      't3',
    ]);
    expect(await sorted({ kind: 'str', $and: [{ $or: [{ name: /^ab/ }, { day: '2026-03-01' }] }] })).toEqual([
      's2',
      's3',
      's5',
    ]);
  });

  test('when strings hold characters JSON escapes, then equality and regexes still find them', async () => {
    expect(await find({ name: 'a<b&"c"' })).toEqual(['s4']);
    expect(await find({ name: '张妍丽' })).toEqual(['s1']);
    expect(await find({ name: { $regex: '妍丽' } })).toEqual(['s1']);
    expect(await find({ name: { $regex: '<b&' } })).toEqual(['s4']);
  });

  test('when regexes are anchored, suffixed, case-insensitive or not literal, then each matches as MongoDB does', async () => {
    expect(await sorted({ name: { $regex: '^ab' } })).toEqual(['s2', 's3']);
    expect(await sorted({ name: { $regex: 'cd$' } })).toEqual(['s2']);
    expect(await sorted({ name: { $regex: '^ab', $options: 'i' } })).toEqual(['s2', 's3', 's5']);
    expect(await sorted({ name: /b.d/ })).toEqual(['s2']);
    expect(await sorted({ name: { $regex: 'zz' } })).toEqual(['s3']);
  });

  test('when strings are compared by range, then arrays, longer strings and numbers are judged as MongoDB does', async () => {
    expect(await sorted({ day: { $gte: '2026-01-01', $lt: '2026-02-01' } })).toEqual([
      's1',
      's2',
      's3',
      's6',
    ]);
    expect(await sorted({ day: { $gt: '2026-01-31' } })).toEqual(['s5']);
    expect(await sorted({ day: { $lte: '2026-01-01' } })).toEqual(['s1', 's3']);
  });

  test('when booleans are matched, then only the boolean value matches', async () => {
    expect(await find({ flag: true })).toEqual(['b1']);
    expect(await find({ flag: false })).toEqual(['b2']);
  });
});

describe('sorts, limits and counts answered by the embedded database are MongoDB’s', () => {
  const pages = async () => {
    const all = await coll.find({ kind: 'page' }).toArray();
    return all
      .sort(
        (x, y) =>
          (y.at?.getTime() ?? 0) - (x.at?.getTime() ?? 0) || (y._id < x._id ? -1 : y._id > x._id ? 1 : 0),
      )
      .map((d) => d._id);
  };

  test('when a page is read with sort, skip and limit, then it is that slice of the full order', async () => {
    const order = await pages();
    expect(order).toHaveLength(30);
    expect(await find({ kind: 'page' }, { at: -1, _id: -1 }, 5, 5)).toEqual(order.slice(5, 10));
    expect(await find({ kind: 'page' }, { at: -1, _id: -1 }, 0, 1)).toEqual(order.slice(0, 1));
    expect(await find({ kind: 'page' }, { at: 1, _id: 1 }, 0, 3)).toEqual([...order].reverse().slice(0, 3));
  });

  test('when numbers are sorted with a limit, then they are ordered as numbers, not as text', async () => {
    expect(await find({ kind: 'num' }, { n: -1 }, 0, 2)).toEqual(['n3', 'n2']);
    expect(await find({ kind: 'num' }, { n: 1 }, 0, 2)).toEqual(['n4', 'n5']);
  });

  test('when documents are counted, then exact, array-holding and empty filters all count right', async () => {
    expect(await coll.countDocuments({ kind: 'page' })).toBe(30);
    expect(await coll.countDocuments({ tag: 'a' })).toBe(2);
    expect(await coll.countDocuments({ kind: 'nothing' })).toBe(0);
    expect(await coll.countDocuments({ kind: 'page' }, { skip: 25 })).toBe(5);
    expect(await coll.countDocuments({ kind: 'page' }, { limit: 4 })).toBe(4);
  });

  test('when a collection is paged by ObjectId keyset, then each page follows the last without gaps', async () => {
    const keyed = coll.db.collection<{ _id: ObjectId; i: number; tags?: ObjectId[] }>('pushdown_keyset');
    const oids = Array.from(
      { length: 10 },
      (_, i) => new ObjectId(`65a0a0a0010000010000${String(i).padStart(4, '0')}`),
    );
    await keyed.insertMany(oids.map((_id, i) => ({ _id, i, ...(i === 2 ? { tags: [oids[9]!] } : {}) })));
    const page = async (after: ObjectId) =>
      (await keyed.find({ _id: { $gt: after } }, { sort: { _id: 1 }, limit: 3 }).toArray()).map((d) => d.i);
    expect(await page(oids[3]!)).toEqual([4, 5, 6]);
    expect(await page(oids[8]!)).toEqual([9]);
    expect(await keyed.countDocuments({ _id: { $gte: oids[5]!, $lt: oids[8]! } })).toBe(3);
    // An array of ObjectIds matches a range element-wise.
    expect((await keyed.find({ tags: { $gt: oids[8]! } }).toArray()).map((d) => d.i)).toEqual([2]);
  });

  test('when aggregate groups by a constant without counting, then it is not mistaken for a count', async () => {
    const res = await coll
      .aggregate<Document>([{ $match: { kind: 'num' } }, { $group: { _id: 1, total: { $sum: '$n' } } }])
      .toArray();
    expect(res).toEqual([{ _id: 1, total: 120.5 }]);
  });
});

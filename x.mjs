import { MongoClient } from 'mongodb';
const c = await MongoClient.connect('mongodb://127.0.0.1:57017/');
const db = c.db('t2');
const col = db.collection('journal');
await col.createIndex({ customerId: 1 });
let t = Date.now();
for (let b = 0; b < 100; b++) {
  await col.insertMany(Array.from({length: 1000}, (_, i) => ({ customerId: 'c' + (b*1000+i)%20000, journeyId: 'j' + (i % 7), at: new Date(), step: 's' + (i%5) })), { ordered: false });
}
console.log('insert 100k ms', Date.now() - t);
for (let k = 0; k < 3; k++) { t = Date.now(); const r = await col.find({ customerId: 'c5' }).toArray(); console.log('find', r.length, Date.now() - t); }
t = Date.now(); console.log(await col.countDocuments({ journeyId: 'j3' }), Date.now() - t);
const e = await col.find({ customerId: 'c5' }).explain();
console.log(JSON.stringify(e.queryPlanner).slice(0, 600));
await c.close();

import SQLite from 'better-sqlite3'
import { commentView } from '../server/services/comment-tree.ts'
const d = new SQLite(process.argv[2]!, { readonly: true })
const rows = d.prepare(`select * from comments limit 538`).all() as any[]
const o = { reader: { participantId: null, verifiedKey: null }, votes: new Map(), editWindowMinutes: 15, now: Date.now() }
for (let k = 0; k < 5; k++) {
  const s = performance.now()
  for (let i = 0; i < 200; i++) for (const r of rows) commentView(r, o)
  console.log('views/page', ((performance.now() - s) / 200).toFixed(3), 'ms')
}
const s2 = performance.now()
for (let i = 0; i < 200; i++) for (const r of rows) Date.parse(r.created_at)
console.log('Date.parse/page', ((performance.now() - s2) / 200).toFixed(3), 'ms')

import SQLite from 'better-sqlite3'
const f = process.argv[2]!
const d = new SQLite(f, { readonly: true })
const roots = d.prepare(`select id from comments where thread_id='bench-thread' and depth=0 order by created_at desc, id desc limit 30`).all().map((r: any) => r.id)
const t = (n: string, fn: () => unknown) => { for (let i=0;i<10;i++) fn(); const s=performance.now(); for (let i=0;i<100;i++) fn(); console.log(n, ((performance.now()-s)/100).toFixed(3), 'ms') }
const one = d.prepare(`select * from comments where root_id = ? and depth > 0 and (status='published' or published_replies > 0) order by created_at, id limit 51`)
t('30 single queries', () => roots.map(r => one.all(r)))
const cnt = roots.map(r => (one.all(r) as any[]).length)
console.log(cnt.join(','))
const c = d.prepare(`select root_id, count(*) from comments where root_id in (${roots.map(() => '?').join(',')}) and depth > 0 and (status='published' or published_replies>0) group by root_id`)
t('count', () => c.all(...roots))
const onlyIds = d.prepare(`select id from comments where root_id = ? and depth > 0 order by created_at, id limit 51`)
t('30 id-only', () => roots.map(r => onlyIds.all(r)))
console.log(d.prepare(`explain query plan select * from comments where root_id = ? and depth > 0 and (status='published' or published_replies > 0) order by created_at, id limit 51`).all('x'))

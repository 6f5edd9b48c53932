import SQLite from 'better-sqlite3'
const d = new SQLite(process.argv[2]!, { readonly: true })
const rows = d.prepare(`select * from comments limit 538`).all() as any[]
const t = (n: string, f: (r: any) => unknown) => { for (let k=0;k<3;k++){ const s = performance.now(); for (let i = 0; i < 200; i++) for (const r of rows) f(r); if(k==2) console.log(n, ((performance.now() - s) / 200).toFixed(3), 'ms') } }
t('plain object', r => ({ id: r.id, parentId: r.parent_id, depth: r.depth, createdAt: r.created_at, replies: [], moreReplies: 0 }))
t('spread base', r => { const base = { id: r.id, parentId: r.parent_id, depth: r.depth, createdAt: r.created_at, inReplyTo: null, replies: [], moreReplies: 0 }; return { ...base, author: { name: r.author_name, verified: r.verified === 1 }, body: r.body, editedAt: r.edited_at, status: r.status, up: Number(r.up), down: Number(r.down), myVote: 0, mine: false, editableUntil: null } })
t('Number(up)', r => Number(r.up) + Number(r.down))
t('read all cols', r => { let n = 0; for (const k in r) n++; return n })

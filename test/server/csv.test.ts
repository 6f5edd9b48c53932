import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { csvCell, csvRow } from '../../server/services/csv.ts'
import { admin, forEachDb } from './helpers/harness.ts'
import type { TestApp } from './helpers/harness.ts'
import { assertError, createPoll, createSite, mintToken, ok, vote } from './helpers/api.ts'

test('csvCell neutralises formulas and quotes per RFC 4180', () => {
  assert.equal(csvCell('=1+1'), "'=1+1")
  assert.equal(csvCell('+SUM(A1)'), "'+SUM(A1)")
  assert.equal(csvCell('-2'), "'-2")
  assert.equal(csvCell('@cmd'), "'@cmd")
  assert.equal(csvCell('\tx'), "'\tx")
  assert.equal(csvCell('\rx'), `"'\rx"`)
  assert.equal(csvCell('say "hi", ok'), '"say ""hi"", ok"')
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"')
  assert.equal(csvCell('plain'), 'plain')
  assert.equal(csvCell(' padded'), '" padded"')
  assert.equal(csvCell(-2), '-2', 'numbers we write ourselves are not user text')
  assert.equal(csvCell(null), '')
  assert.equal(csvRow(['a', '=b', 'c,d']), `a,'=b,"c,d"\r\n`)
})

/** A small RFC 4180 reader, enough to check what a spreadsheet would see. */
function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++ } else cell += c
  }
  return rows
}

forEachDb('CSV export', env => {
  let t: TestApp
  before(async () => { t = await env.startApp() })
  after(() => t.close())

  test('one row a vote, labels with formulas neutralised, voters pseudonymised', async () => {
    const site = await createSite(t.app)
    const poll = await createPoll(t.app, site.id, {
      type: 'ranked',
      options: [
        { id: 'evil', label: '=HYPERLINK("http://evil.example","click")' },
        { id: 'plus', label: '+1' },
        { id: 'at', label: '@SUM(1)' },
        { id: 'quote', label: 'Say "yes", please' }
      ]
    })
    const tokens = [await mintToken(t.app), await mintToken(t.app)]
    ok(await vote(t.app, poll.id, tokens[0]!, ['evil', 'plus', 'at', 'quote']))
    ok(await vote(t.app, poll.id, tokens[1]!, ['quote', 'at', 'plus', 'evil']))
    const res = await t.app.inject({ method: 'GET', url: `/v1/admin/polls/${poll.id}/export.csv`, headers: admin })
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    assert.match(String(res.headers['content-disposition']), /attachment; filename="poll-.*\.csv"/)
    const rows = parseCsv(res.body.replace(/^\ufeff/, ''))
    assert.deepEqual(rows[0], ['voter', 'verified', 'choices', 'choice_ids', 'voted_at', 'updated_at', 'page'])
    assert.equal(rows.length, 3)
    for (const r of rows.slice(1)) {
      for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `cell ${cell} could run as a formula`)
      assert.match(r[0]!, /^[0-9a-f]{16}$/)
      assert.equal(r[1], 'false')
    }
    const choices = rows.slice(1).map(r => r[2]).sort()
    assert.deepEqual(choices, [
      `'=HYPERLINK("http://evil.example","click"); +1; @SUM(1); Say "yes", please`,
      'Say "yes", please; @SUM(1); +1; =HYPERLINK("http://evil.example","click")'
    ].sort())
    assert.ok(!res.body.includes(tokens[0]!.split('.')[1]!), 'no participant ids in the export')
  })

  test('an unknown poll is a JSON 404, and the export needs the admin token', async () => {
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls/nope/export.csv', headers: admin }), 404, 'NOT_FOUND')
    assertError(await t.app.inject({ method: 'GET', url: '/v1/admin/polls/nope/export.csv' }), 401, 'UNAUTHORIZED')
  })
})

import type { Kysely } from 'kysely'
import type { Database } from './store/db.ts'
import { isUniqueViolation } from './store/db.ts'
import { bumpFeedVersion, getMapRow, insertProjects, saveMapSettings } from './store/projects-repo.ts'
import type { Geometry, MapSettings, Project, ProjectReview, ProjectStatus } from './store/projects-repo.ts'
import type { DB } from './store/schema.ts'
import { getSite } from './store/sites-repo.ts'

const SITE = 'riverton'

/** Riverton's map: the basemap (demo/geo) draws the city inside these bounds. */
export const DEMO_MAP: MapSettings = {
  bounds: [5.06, 52.055, 5.18, 52.125],
  center: [5.12, 52.09],
  zoom: 13,
  categories: [
    { id: 'roadworks', label: 'Roadworks', color: '#b3261e', icon: 'cone' },
    { id: 'detour', label: 'Detours', color: '#e8710a', icon: 'detour' },
    { id: 'renovation', label: 'Renovation', color: '#6d4c41', icon: 'building' },
    { id: 'park', label: 'Parks and green', color: '#2e7d32', icon: 'tree' },
    { id: 'utilities', label: 'Utilities', color: '#00838f', icon: 'pipe' },
    { id: 'transit', label: 'Public transport', color: '#1565c0', icon: 'bus' }
  ],
  submissions: { enabled: true, perDay: 5 },
  comments: true,
  style: null
}

type Pos = [number, number]
const pt = (p: Pos): Geometry => ({ type: 'Point', coordinates: p })
const line = (...c: Pos[]): Geometry => ({ type: 'LineString', coordinates: c })
const lines = (...c: Pos[][]): Geometry => ({ type: 'MultiLineString', coordinates: c })
/** A closed ring from its corners (the first is repeated at the end). */
const area = (...c: Pos[]): Geometry => ({ type: 'Polygon', coordinates: [[...c, c[0]!]] })
const box = (w: number, s: number, e: number, n: number): Geometry => area([w, s], [e, s], [e, n], [w, n])

interface DemoProject {
  id: string
  title: string
  category: string
  status: ProjectStatus
  start: string
  end: string | null
  address: string | null
  description: string
  geometry: Geometry
  review?: ProjectReview
  email?: string
}

const CONTACT = 'City of Riverton, Public Works: 0555 140 140, works@riverton.example'

/** Along the streets and parks of demo/geo/riverton.geojson. */
const DEMO_PROJECTS: DemoProject[] = [
  { id: 'p-market-street', title: 'Market Street resurfacing', category: 'roadworks', status: 'in_progress', start: '2026-09-14', end: '2027-02-26', address: 'Market Street, Alder Street to Station Road', description: 'New asphalt, wider pavements and raised crossings. The street is closed to cars between Alder Street and Station Road; shops stay open and can be reached on foot.', geometry: line([5.101, 52.0919], [5.1082, 52.0914], [5.1154, 52.0908], [5.1171, 52.0907]) },
  { id: 'p-market-street-detour', title: 'Detour: Market Street closed', category: 'detour', status: 'in_progress', start: '2026-09-14', end: '2027-02-26', address: 'Alder Street, Mason Terrace, Station Road', description: 'Through traffic follows Alder Street, Mason Terrace and Station Road. Buses 2 and 5 take the same route.', geometry: line([5.1013, 52.0917], [5.1014, 52.0943], [5.1014, 52.0968], [5.1082, 52.0967], [5.1154, 52.0967], [5.117, 52.0941], [5.1171, 52.0915]) },
  { id: 'p-bridge-street-bridge', title: 'Bridge Street bridge renovation', category: 'renovation', status: 'planned', start: '2027-03-01', end: '2027-10-29', address: 'Bridge Street over the River Wend', description: 'The 1962 bridge gets a new deck, new railings and a separate cycle path. One lane stays open for buses and emergency services.', geometry: box(5.1225, 52.077, 5.1238, 52.0786) },
  { id: 'p-bridge-street-detour', title: 'Detour: Bridge Street bridge', category: 'detour', status: 'planned', start: '2027-03-01', end: '2027-10-29', address: 'Maple Way and Tanner Road', description: 'Cars cross the river at Maple Way; cyclists and pedestrians use the temporary footbridge next to the works.', geometry: lines([[5.1231, 52.0795], [5.1226, 52.0793], [5.1202, 52.0795], [5.1201, 52.0782], [5.1197, 52.0764], [5.1197, 52.0756], [5.1226, 52.0756], [5.1232, 52.0759]], [[5.1219, 52.0792], [5.1219, 52.0762]]) },
  { id: 'p-central-park-playground', title: 'New playground in Central Park', category: 'park', status: 'in_progress', start: '2026-10-01', end: '2027-04-30', address: 'Central Park, Market Street entrance', description: 'A playground for children up to 12, with a water play area and shade trees, designed with the pupils of two nearby schools.', geometry: box(5.1212, 52.093, 5.1225, 52.094) },
  { id: 'p-riverside-park-paths', title: 'Riverside Park: new paths and lighting', category: 'park', status: 'planned', start: '2027-04-01', end: '2027-09-30', address: 'Riverside Park', description: 'Paved, step-free paths along the river and low lighting that does not disturb bats.', geometry: area([5.0952, 52.0822], [5.098, 52.0819], [5.1008, 52.0814], [5.1036, 52.0808], [5.1064, 52.0802], [5.1092, 52.0796], [5.1116, 52.0794], [5.1088, 52.0799], [5.106, 52.0806], [5.1032, 52.0812], [5.1004, 52.0818], [5.0976, 52.0822]) },
  { id: 'p-south-common-trees', title: '400 new trees on South Common', category: 'park', status: 'completed', start: '2026-03-02', end: '2026-04-30', address: 'South Common', description: 'Oaks, limes and fruit trees planted with volunteers from the neighbourhood. Thank you to everyone who helped!', geometry: area([5.1028, 52.0663], [5.1064, 52.066], [5.1112, 52.0663], [5.1112, 52.0686], [5.1064, 52.0687], [5.1028, 52.0691]) },
  { id: 'p-mill-green-pond', title: 'Mill Green pond restoration', category: 'park', status: 'planned', start: '2027-05-03', end: '2027-08-27', address: 'Mill Green', description: 'The pond is dredged and gets natural banks. The green stays open; the pond area is fenced off during the works.', geometry: area([5.1445, 52.0713], [5.1465, 52.0718], [5.1485, 52.0724], [5.1485, 52.0743], [5.1465, 52.074], [5.1445, 52.0737]) },
  { id: 'p-north-woods-trail', title: 'North Woods nature trail', category: 'park', status: 'in_progress', start: '2026-11-02', end: '2027-03-31', address: 'North Woods', description: 'A 1.2 km trail on boardwalks, with information panels about the wood\'s birds.', geometry: line([5.103, 52.11], [5.106, 52.1105], [5.109, 52.111], [5.111, 52.1115]) },
  { id: 'p-station-road-bus-lane', title: 'Bus lane on Station Road', category: 'transit', status: 'planned', start: '2027-01-11', end: '2027-06-30', address: 'Station Road', description: 'A bus lane from Market Street to the station, so that buses no longer wait in the evening queue.', geometry: line([5.1172, 52.0907], [5.1171, 52.0924], [5.117, 52.0941], [5.1172, 52.0959], [5.1174, 52.0976], [5.1174, 52.0993], [5.1172, 52.1011]) },
  { id: 'p-station-square-stop', title: 'Accessible bus stop at the station', category: 'transit', status: 'completed', start: '2026-05-04', end: '2026-06-12', address: 'Station Square', description: 'Raised kerb for step-free boarding, a shelter with seats and a real-time display.', geometry: pt([5.1171, 52.106]) },
  { id: 'p-kingsway-stops', title: 'Kingsway bus stops moved', category: 'transit', status: 'in_progress', start: '2026-11-16', end: '2027-01-29', address: 'Kingsway at North Woods', description: 'The stops move 80 m east, closer to the crossing. Use the temporary stop at the corner meanwhile.', geometry: pt([5.1046, 52.108]) },
  { id: 'p-harbour-way-sewer', title: 'Harbour Way sewer replacement', category: 'utilities', status: 'in_progress', start: '2026-08-03', end: '2027-03-26', address: 'Harbour Way', description: 'Separate pipes for rain and waste water, so that the street no longer floods after heavy rain. One lane is open, with traffic lights.', geometry: line([5.0974, 52.0699], [5.1046, 52.0692], [5.1118, 52.0689]) },
  { id: 'p-elm-street-water-main', title: 'Elm Street water main', category: 'utilities', status: 'planned', start: '2027-02-01', end: '2027-05-28', address: 'Elm Street', description: 'The water company replaces the cast-iron main. Short interruptions of the water supply are announced by letter two days ahead.', geometry: line([5.0763, 52.0857], [5.0763, 52.0875], [5.0763, 52.0893], [5.0762, 52.0911]) },
  { id: 'p-birch-road-fibre', title: 'Fibre on Birch Road', category: 'utilities', status: 'completed', start: '2026-02-02', end: '2026-05-29', address: 'Birch Road', description: 'Fibre to every house on Birch Road; pavements restored.', geometry: line([5.0881, 52.0849], [5.0879, 52.0876], [5.0877, 52.0902], [5.0876, 52.0929]) },
  { id: 'p-district-heating-north', title: 'District heating, North', category: 'utilities', status: 'planned', start: '2027-06-01', end: '2027-12-17', address: 'Miller Road and Cooper Street', description: 'The heating network reaches 900 homes in North. The works move street by street; each street is dug up for about three weeks.', geometry: lines([[5.0818, 52.1024], [5.089, 52.103], [5.0962, 52.104], [5.1034, 52.1043]], [[5.083, 52.108], [5.089, 52.1109], [5.095, 52.112], [5.101, 52.1123]]) },
  { id: 'p-library-renovation', title: 'Central Library renovation', category: 'renovation', status: 'in_progress', start: '2026-06-01', end: '2027-08-31', address: 'Market Street 40', description: 'New study places, a children\'s floor and solar panels on the roof. The library lends from the temporary branch in the town hall meanwhile.', geometry: box(5.124, 52.0912, 5.1256, 52.0922) },
  { id: 'p-old-mill-housing', title: 'Old mill site: 120 homes', category: 'renovation', status: 'planned', start: '2027-03-15', end: null, address: 'Poplar Way South', description: 'The old mill becomes 120 homes, a third of them social housing, around a public courtyard. The council decides on the final design in spring.', geometry: box(5.149, 52.0715, 5.151, 52.073) },
  { id: 'p-castle-gardens-wall', title: 'Castle Gardens wall repairs', category: 'renovation', status: 'completed', start: '2026-04-06', end: '2026-07-31', address: 'Castle Gardens', description: 'The listed garden wall was repointed with lime mortar.', geometry: box(5.1322, 52.0866, 5.134, 52.0874) },
  { id: 'p-ash-street-crossing', title: 'Raised crossing by the school', category: 'roadworks', status: 'completed', start: '2026-07-20', end: '2026-08-21', address: 'Ash Street / Mason Terrace', description: 'A raised crossing and a 30 km/h zone in front of the primary school, done in the summer holidays.', geometry: pt([5.1306, 52.0956]) },
  { id: 'p-ring-road-roundabout', title: 'Ring Road roundabout', category: 'roadworks', status: 'planned', start: '2027-04-12', end: '2027-07-30', address: 'Ring Road / Fletcher Avenue', description: 'The junction becomes a roundabout with separate cycle paths.', geometry: box(5.1392, 52.0874, 5.1406, 52.0886) },
  { id: 'p-ring-road-detour', title: 'Detour: Ring Road junction', category: 'detour', status: 'planned', start: '2027-04-12', end: '2027-07-30', address: 'Beech Road and Market Street', description: 'Traffic from Fletcher Avenue follows Beech Road and Market Street.', geometry: line([5.137, 52.0867], [5.1442, 52.0877], [5.1431, 52.0917], [5.1442, 52.092], [5.137, 52.0911]) },
  { id: 'p-fletcher-avenue-cycle', title: 'Cycle path on Fletcher Avenue', category: 'roadworks', status: 'in_progress', start: '2026-10-05', end: '2027-05-14', address: 'Fletcher Avenue', description: 'A two-way cycle path separated from the road by a green verge.', geometry: line([5.0794, 52.0885], [5.0866, 52.0882], [5.0938, 52.0879], [5.101, 52.0875]) },
  { id: 'p-tanner-road-closure', title: 'Tanner Road closed for crane works', category: 'roadworks', status: 'planned', start: '2027-01-18', end: '2027-01-22', address: 'Tanner Road', description: 'Closed for five days while a crane places the roof of the new sports hall.', geometry: line([5.1298, 52.076], [5.137, 52.0771]) },
  { id: 'p-chestnut-street-lights', title: 'LED street lights on Chestnut Street', category: 'utilities', status: 'in_progress', start: '2026-11-23', end: '2027-02-12', address: 'Chestnut Street', description: 'Warm-white LED lights that use 60% less power.', geometry: line([5.156, 52.0909], [5.156, 52.0927], [5.156, 52.0945], [5.156, 52.0963]) },
  { id: 'p-southgate-bus-depot', title: 'Electric bus depot', category: 'transit', status: 'planned', start: '2027-09-01', end: '2027-12-31', address: 'Southgate', description: 'A depot with chargers for 40 electric buses.', geometry: box(5.1245, 52.057, 5.1265, 52.0585) },
  // Residents' suggestions waiting for review (the staff queue).
  { id: 'p-suggestion-pothole', title: 'Deep pothole on Willow Way', category: 'roadworks', status: 'planned', start: '2026-12-01', end: null, address: 'Willow Way 52', description: 'There is a deep pothole in the cycle lane in front of number 52. I nearly fell off my bike there last week.', geometry: pt([5.0942, 52.0928]), review: 'pending', email: 'j.doe@example.org' },
  { id: 'p-suggestion-benches', title: 'Benches along the river path', category: 'park', status: 'planned', start: '2027-04-01', end: null, address: null, description: 'The path along the river is long and there is nowhere to sit. A few benches would help older residents.', geometry: pt([5.104, 52.081]), review: 'pending' }
]

export function demoProjects (now: number): Project[] {
  const at = new Date(now).toISOString()
  return DEMO_PROJECTS.map(d => {
    const resident = d.review === 'pending'
    return {
      id: d.id,
      siteId: SITE,
      title: d.title,
      category: d.category,
      status: d.status,
      start: d.start,
      end: d.end,
      address: d.address,
      description: d.description,
      contact: resident ? null : CONTACT,
      link: resident ? null : `https://riverton.example/projects/${d.id.slice(2)}`,
      geometry: d.geometry,
      review: d.review ?? 'approved',
      rejectReason: null,
      source: resident ? 'resident' : 'staff',
      submitterEmail: d.email ?? null,
      participantId: resident ? `seed-${d.id}` : null,
      idempotencyKey: null,
      createdAt: at,
      updatedAt: at,
      reviewedAt: resident ? null : at
    }
  })
}

/** The map settings (unless the site has some) and the given projects, in the caller's transaction. */
export async function insertDemoProjects (db: Kysely<DB>, now: number, only?: (id: string) => boolean): Promise<number> {
  const at = new Date(now).toISOString()
  if (!(await getMapRow(db, SITE))?.settings.categories.length) await saveMapSettings(db, SITE, DEMO_MAP, at)
  const list = demoProjects(now).filter(p => !only || only(p.id))
  await insertProjects(db, list)
  if (list.length > 0) await bumpFeedVersion(db, SITE, at)
  return list.length
}

/**
 * A demo database seeded before the project map existed gets it too: the settings when the site
 * has no categories yet, and the demo projects that are missing (one staff changed is left alone;
 * one staff deleted comes back at the next start, like the demo consultations). Nothing happens
 * without the demo site.
 */
export async function ensureDemoProjects (db: Database): Promise<number> {
  if (!await getSite(db.kysely, SITE)) return 0
  const ids = DEMO_PROJECTS.map(p => p.id)
  const present = new Set((await db.kysely.selectFrom('projects').select('id').where('id', 'in', ids).execute()).map(r => r.id))
  const mapRow = await getMapRow(db.kysely, SITE)
  if (present.size === ids.length && mapRow?.settings.categories.length) return 0
  try {
    return await db.kysely.transaction().execute(trx => insertDemoProjects(trx, Date.now(), id => !present.has(id)))
  } catch (err) {
    // Another node added them at the same moment.
    if (isUniqueViolation(err)) return 0
    throw err
  }
}

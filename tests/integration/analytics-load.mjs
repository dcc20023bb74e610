// Loads the demo city with everything the analytics read: boundaries,
// partners, programs, sites and events, indicators and incidents.
//
// INTERIM: until `parity import` covers points and tables (branch import),
// the points and tables are loaded here with psql \copy; this file goes
// away once scripts/load-demo.sh loads them.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DEMO, loadDemo, parityOk, sql } from './lib.mjs';

export function loadAnalyticsDemo(db) {
  loadDemo(db);
  if (Number(sql(db, 'SELECT count(*) FROM events')[0][0]) === 0) {
    const f = (name) => path.join(DEMO, name).replace(/'/g, "''");
    const script = `
\\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE p_in (name text, kind text);
\\copy p_in FROM '${f('partners.csv')}' CSV HEADER
INSERT INTO partners (name, kind) SELECT name, kind FROM p_in;
CREATE TEMP TABLE pr_in (name text, partner text, category text, description text, start_date date, end_date date);
\\copy pr_in FROM '${f('programs.csv')}' CSV HEADER
INSERT INTO programs (name, partner_id, category, description, start_date, end_date)
SELECT i.name, p.id, i.category, i.description, i.start_date, i.end_date FROM pr_in i JOIN partners p ON p.name = i.partner;
CREATE TEMP TABLE s_in (site_id text, name text, program text, category text, address text, capacity int, sensitive bool, lon float8, lat float8);
\\copy s_in FROM '${f('sites.csv')}' CSV HEADER
INSERT INTO sites (program_id, name, address, capacity, sensitive, geom, source, external_id)
SELECT p.id, i.name, i.address, i.capacity, i.sensitive, ST_SetSRID(ST_MakePoint(lon, lat), 4326), 'sites.csv', i.site_id FROM s_in i JOIN programs p ON p.name = i.program;
CREATE TEMP TABLE e_in (event_id text, title text, program text, partner text, category text, start_time timestamptz, end_time timestamptz, attendance int, youth_attendance int, hours numeric, lon float8, lat float8);
\\copy e_in FROM '${f('events.csv')}' CSV HEADER
INSERT INTO events (title, program_id, partner_id, category, starts_at, ends_at, attendance, youth_attendance, hours, geom, source, external_id)
SELECT i.title, pr.id, pa.id, i.category, i.start_time, i.end_time, i.attendance, i.youth_attendance, i.hours, ST_SetSRID(ST_MakePoint(lon, lat), 4326), 'events.csv', i.event_id
FROM e_in i JOIN programs pr ON pr.name = i.program JOIN partners pa ON pa.name = i.partner;
COMMIT;
`;
    execFileSync('psql', [db, '-X', '-q'], { input: script, encoding: 'utf8' });
  }
  if (Number(sql(db, 'SELECT count(*) FROM incidents')[0][0]) === 0) {
    const f = (name) => path.join(DEMO, name).replace(/'/g, "''");
    const script = `
\\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE i_in (incident_id text, date date, kind text, lon float8, lat float8);
\\copy i_in FROM '${f('incidents.csv')}' CSV HEADER
INSERT INTO incidents (kind, occurred_on, geom, source, external_id)
SELECT kind, date, ST_SetSRID(ST_MakePoint(lon, lat), 4326), 'incidents.csv', incident_id FROM i_in;
CREATE TEMP TABLE ind_in (nbhd_id text, name text, population float8, youth_population float8, households float8, households_poverty float8, median_income float8, unemployment_rate float8);
\\copy ind_in FROM '${f('indicators.csv')}' CSV HEADER
INSERT INTO indicator_columns (name, source, source_field) SELECT c, 'indicators.csv', c FROM unnest(ARRAY['population','youth_population','households','households_poverty','median_income','unemployment_rate']) c;
INSERT INTO indicators SELECT nbhd_id, 'population', population FROM ind_in
UNION ALL SELECT nbhd_id, 'youth_population', youth_population FROM ind_in
UNION ALL SELECT nbhd_id, 'households', households FROM ind_in
UNION ALL SELECT nbhd_id, 'households_poverty', households_poverty FROM ind_in
UNION ALL SELECT nbhd_id, 'median_income', median_income FROM ind_in
UNION ALL SELECT nbhd_id, 'unemployment_rate', unemployment_rate FROM ind_in;
COMMIT;
`;
    execFileSync('psql', [db, '-X', '-q'], { input: script, encoding: 'utf8' });
  }
  parityOk(db, ['settings', 'set', 'time_zone', 'America/Chicago']);
}

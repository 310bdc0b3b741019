package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// bulkInsert grows consultation c to n opinions (from have), in SQL: generate_series makes
// the rows inside the database, batch by batch, so a million takes a minute or two rather
// than the hours the HTTP path would. Nineteen in twenty are approved, the rest pending,
// rejected or hidden; a fifth are on the whole draft, the others on its articles and clauses,
// the first ones drawing far more than the last; four in five name a village; every channel
// and stance appears in the proportions of a real consultation; they are spread over the
// 30 days before now. The random numbers are seeded, so every run inserts the same data.
func bulkInsert(ctx context.Context, db *sql.DB, c *consultation, villageIDs []int64, have, n int) error {
	r := rand.New(rand.NewPCG(uint64(c.ID), 42))
	bodies := make([]string, 2000)
	for i := range bodies {
		bodies[i] = opinionText(r)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT setseed($1)", float64(have%1000)/1000); err != nil {
		return err
	}
	const batch = 100_000
	for from := have + 1; from <= n; from += batch {
		to := min(from+batch-1, n)
		_, err := conn.ExecContext(ctx, `
WITH p AS (
	SELECT $1::bigint AS cid, $2::bigint[] AS secs, $3::bigint[] AS vills,
	       $4::text[] AS bodies
), g AS (
	SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
	       random() AS r6, random() AS r7, (now() - interval '30 days' + random() * interval '30 days') AS at
	FROM generate_series($5::bigint, $6::bigint) AS i
), rows AS (
	SELECT g.*, p.*,
	       CASE WHEN i % 20 = 0 THEN (ARRAY['pending','rejected','hidden'])[1 + (i / 20) % 3] ELSE 'approved' END AS st
	FROM g, p
)
INSERT INTO opinions (consultation_id, section_id, stance, body, body_public, channel, village_id, status,
	rejection_reason, tracking_code, submitted_at, decided_at, reviewed_at, decision_seconds)
SELECT cid,
       CASE WHEN r1 < 0.2 THEN NULL ELSE secs[1 + floor(cardinality(secs) * r2 * r2)::int] END,
       CASE WHEN r3 < 0.55 THEN 'agree' WHEN r3 < 0.80 THEN 'disagree' ELSE 'other' END,
       bodies[1 + floor(cardinality(bodies) * r4)::int],
       bodies[1 + floor(cardinality(bodies) * r4)::int],
       CASE WHEN r5 < 0.70 THEN 'online' WHEN r5 < 0.82 THEN 'meeting' WHEN r5 < 0.90 THEN 'form'
            WHEN r5 < 0.94 THEN 'box' WHEN r5 < 0.97 THEN 'phone' ELSE 'social' END,
       CASE WHEN r6 < 0.2 THEN NULL ELSE vills[1 + floor(cardinality(vills) * r7)::int] END,
       st,
       CASE WHEN st IN ('rejected', 'hidden') THEN 'off_topic' ELSE '' END,
       'bulk-' || cid || '-' || i,
       at,
       CASE WHEN st = 'pending' THEN NULL ELSE at + (600 + floor(r7 * 172800)) * interval '1 second' END,
       CASE WHEN st = 'pending' THEN NULL ELSE at + (600 + floor(r7 * 172800)) * interval '1 second' END,
       CASE WHEN st = 'pending' THEN NULL ELSE 600 + floor(r7 * 172800)::bigint END
FROM rows`, c.ID, c.Sections, villageIDs, bodies, from, to)
		if err != nil {
			return fmt.Errorf("insert opinions %d–%d: %w", from, to, err)
		}
	}
	// Autovacuum would soon vacuum and analyze a table that grew this much; do it now so the
	// plans and index-only scans are those of a running portal.
	_, err = conn.ExecContext(ctx, "VACUUM ANALYZE opinions")
	return err
}

// hotQuery is one query the public pages run on every view, in the form the store sends
// it (internal/store; GORM binds the values, here they are written in).
type hotQuery struct {
	Name, Serves, SQL string
}

// hotQueries are the queries of the opinion list, the summary and the consultation page
// whose cost grows with the number of opinions of a consultation. section is the article
// with the most opinions.
func hotQueries(cid, section int64) []hotQuery {
	pub := fmt.Sprintf(`consultation_id = %d AND status IN ('approved','hidden')`, cid)
	return []hotQuery{
		{"list", "opinion list, page 1 (Store.ApprovedOpinions; /c/{id}/opinions, API list)",
			`SELECT * FROM "opinions" WHERE ` + pub + ` ORDER BY submitted_at DESC, id DESC LIMIT 21`},
		{"list-p40", "opinion list, page 40",
			`SELECT * FROM "opinions" WHERE ` + pub + ` ORDER BY submitted_at DESC, id DESC LIMIT 21 OFFSET 780`},
		{"list-article", "opinion list of one article, page 1",
			`SELECT * FROM "opinions" WHERE ` + pub + fmt.Sprintf(` AND section_id = %d`, section) +
				` ORDER BY submitted_at DESC, id DESC LIMIT 21`},
		{"tallies", "the counters of the page and the summary (Store.Summary, ModerationStats, ApprovedPerDay, ApprovedSetOf)",
			fmt.Sprintf(`SELECT kind, key, SUM(n) AS n FROM opinion_tallies WHERE consultation_id = %d GROUP BY kind, key HAVING SUM(n) <> 0`, cid)},
		{"latest", "newest opinions of each article (Store.LatestApproved; page)",
			fmt.Sprintf(`SELECT l.id FROM unnest(ARRAY(SELECT id FROM sections WHERE consultation_id = %d ORDER BY id)) AS s(id) `+
				`CROSS JOIN LATERAL (SELECT id FROM opinions WHERE consultation_id = %d AND status IN ('approved', 'hidden') `+
				`AND section_id = s.id ORDER BY submitted_at DESC, id DESC LIMIT 3) l`, cid, cid)},
	}
}

// explained is one EXPLAIN (ANALYZE, BUFFERS) of a hot query.
type explained struct {
	Query          hotQuery
	Plan           string
	Execution      time.Duration
	Hit, Read      int64 // buffer accesses found in shared buffers, and pages read from the OS
	SeqScan        bool  // a Seq Scan on opinions
	TempKB         int64 // temporary files written (sorts or hashes that spilled), KiB
	ScannedIndexes []string
}

func explain(ctx context.Context, db *sql.DB, q hotQuery) (*explained, error) {
	// Timing every node of a plan costs more than some queries themselves: the time is the
	// median of three runs without it, after one that warms the cache; the plan shown is
	// a fourth run with timing and buffers.
	var times []time.Duration
	for i := range 4 {
		var out string
		if err := db.QueryRowContext(ctx, "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) "+q.SQL).Scan(&out); err != nil {
			return nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		var plan []struct {
			Execution float64 `json:"Execution Time"`
		}
		if err := json.Unmarshal([]byte(out), &plan); err != nil || len(plan) == 0 {
			return nil, fmt.Errorf("%s: reading the plan: %v", q.Name, err)
		}
		if i > 0 {
			times = append(times, time.Duration(plan[0].Execution*float64(time.Millisecond)))
		}
	}
	slices.Sort(times)
	rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.SQL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.Name, err)
	}
	defer rows.Close()
	e := &explained{Query: q, Execution: times[len(times)/2]}
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	e.Plan = strings.Join(lines, "\n")
	for i, line := range lines {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "->"))
		switch {
		case strings.Contains(t, "Seq Scan on opinions"):
			e.SeqScan = true
		case strings.Contains(t, " using ") && strings.Contains(t, "Scan"):
			_, after, _ := strings.Cut(t, " using ")
			name, _, _ := strings.Cut(after, " ")
			e.ScannedIndexes = appendOnce(e.ScannedIndexes, name)
		case strings.HasPrefix(t, "Bitmap Index Scan on "):
			name, _, _ := strings.Cut(strings.TrimPrefix(t, "Bitmap Index Scan on "), " ")
			e.ScannedIndexes = appendOnce(e.ScannedIndexes, name)
		}
		// The top node's Buffers line counts the whole query.
		if e.Hit == 0 && e.Read == 0 && strings.HasPrefix(t, "Buffers:") && i < 4 {
			e.Hit, e.Read, e.TempKB = buffers(t)
		}
	}
	return e, nil
}

func appendOnce(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// buffers reads "Buffers: shared hit=N read=M, temp read=A written=B": the hits and reads
// as counts of 8 KiB pages, the temporary files written in KiB.
func buffers(line string) (hit, read, temp int64) {
	shared, tempPart, _ := strings.Cut(line, "temp ")
	for _, f := range strings.Fields(strings.ReplaceAll(shared, ",", " ")) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		var n int64
		fmt.Sscan(v, &n)
		switch k {
		case "hit":
			hit = n
		case "read":
			read = n
		}
	}
	for _, f := range strings.Fields(strings.ReplaceAll(tempPart, ",", " ")) {
		if k, v, ok := strings.Cut(f, "="); ok && k == "written" {
			var n int64
			fmt.Sscan(v, &n)
			temp = 8 * n
		}
	}
	return hit, read, temp
}

package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"regexp"
	"slices"
	"time"
)

var stylesheet = regexp.MustCompile(`/static/app\.[0-9a-f]+\.css`)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// writes runs the opinion submissions at each number of clients, each followed by pgbench's
// raw INSERT at the same concurrency, so the two are measured on the same table and the
// same machine within seconds of each other.
func writes(ctx context.Context, rep *report, srv *server, db *sql.DB, dbURL, dir, pgbenchBin string, c *consultation, villageIDs []int64) error {
	o := rep.o
	payloads := opinionPayloads(c, 4096, 2)
	url := fmt.Sprintf("%s/api/v1/consultations/%d/opinions", srv.base, c.ID)
	build := func(run int) request {
		return func(w, i int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(payloads[(w*7919+i)%len(payloads)]))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d-%d-%d", run, w, i))
			return req, nil
		}
	}
	count := func() (int64, error) {
		var n int64
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM opinions WHERE consultation_id = $1", c.ID).Scan(&n)
		return n, err
	}
	if o.warmup > 0 {
		log.Printf("write warm-up: 16 clients, %s", o.warmup)
		client := newClient(16, false)
		runLoad(ctx, client, 16, o.warmup, http.StatusCreated, build(0), 0)
		client.CloseIdleConnections()
	}
	script := pgbenchScript(c, villageIDs)
	for run, n := range o.clients {
		before, err := count()
		if err != nil {
			return err
		}
		log.Printf("writes: portal, %d clients, %s", n, o.duration)
		x0 := transactions(ctx, db)
		client := newClient(n, false)
		res := runLoad(ctx, client, n, o.duration, http.StatusCreated, build(run+1), srv.pid())
		client.CloseIdleConnections()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		res.Xacts = perRequest(transactions(ctx, db)-x0, res.OK)
		after, err := count()
		if err != nil {
			return err
		}
		lvl := writeLevel{Portal: res, Stored: after - before}
		log.Printf("  %.0f req/s, p99 %s, errors %s", res.rate(), res.p(99).Round(time.Microsecond*100), res.errorText())

		room, err := connectionRoom(ctx, db)
		if err != nil {
			return err
		}
		pc := min(n, room)
		if pc < 1 {
			lvl.PgbenchErr = "no connection left in the cluster"
		} else {
			log.Printf("writes: pgbench, %d clients, %s", pc, o.duration)
			pr, err := runPgbench(ctx, pgbenchBin, dbURL, dir, script, pc, o.duration)
			if err != nil {
				lvl.PgbenchErr = err.Error()
			} else {
				if pc < n {
					pr.Note = fmt.Sprintf("max_connections allowed %d clients, not %d", pc, n)
				}
				lvl.Pgbench = pr
				log.Printf("  %.0f tps, p99 %s", pr.TPS, percentile(pr.Latencies, 99).Round(time.Microsecond*100))
			}
		}
		rep.writes = append(rep.writes, lvl)
	}
	err := db.QueryRowContext(ctx, `SELECT COALESCE(avg(octet_length(body)) FILTER (WHERE idempotency_key LIKE 'bench-%'), 0),
		COALESCE(avg(octet_length(body)) FILTER (WHERE idempotency_key NOT LIKE 'bench-%'), 0)
		FROM opinions WHERE consultation_id = $1`, c.ID).Scan(&rep.writeBodyBytes, &rep.pgbenchBodyBytes)
	return err
}

// reads loads each public page of the read consultation, and a static file as the ceiling.
func reads(ctx context.Context, rep *report, srv *server, db *sql.DB, c *consultation) error {
	o := rep.o
	// The stylesheet's name carries a hash of its content: take it from the list page.
	css := "/static/app.css"
	probe := newClient(1, false)
	defer probe.CloseIdleConnections()
	if status, body, _, err := fetch(ctx, probe, srv.base+"/"); err == nil && status == http.StatusOK {
		if m := stylesheet.Find(body); m != nil {
			css = string(m)
		}
	}
	targets := []readTarget{
		{Name: "static file, the stylesheet (ceiling)", Path: css},
		{Name: "list of consultations", Path: "/"},
		{Name: fmt.Sprintf("consultation page (%d articles, %d opinions)", rep.readArticles, rep.readOpinions), Path: fmt.Sprintf("/c/%d", c.ID), Target: true},
		{Name: "opinion list page", Path: fmt.Sprintf("/c/%d/opinions", c.ID)},
		{Name: "JSON summary", Path: fmt.Sprintf("/api/v1/consultations/%d/summary", c.ID), Target: true},
		{Name: "JSON opinion list", Path: fmt.Sprintf("/api/v1/consultations/%d/opinions", c.ID)},
	}
	rep.css = css
	if err := loadTargets(ctx, srv, db, targets, o.readClients, o.readDuration); err != nil {
		return err
	}
	rep.reads = targets
	return nil
}

// loadTargets runs the read load on each target in turn, the first being the ceiling.
func loadTargets(ctx context.Context, srv *server, db *sql.DB, targets []readTarget, clients int, d time.Duration) error {
	probe := newClient(1, false)
	defer probe.CloseIdleConnections()
	for i := range targets {
		t := &targets[i]
		url := srv.base + t.Path
		build := func(int, int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err == nil {
				// As a browser asks; the body is counted as it travels, compressed.
				req.Header.Set("Accept-Encoding", "gzip")
			}
			return req, err
		}
		req, _ := build(0, 0)
		res, err := probe.Do(req.WithContext(ctx))
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		_, err = buf.ReadFrom(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: HTTP %d", t.Path, res.StatusCode)
		}
		t.Size = buf.Len()
		log.Printf("reads: %s, %d clients, %s", t.Path, clients, d)
		x0 := transactions(ctx, db)
		client := newClient(clients, false)
		t.Res = runLoad(ctx, client, clients, d, http.StatusOK, build, srv.pid())
		client.CloseIdleConnections()
		t.Res.Xacts = perRequest(transactions(ctx, db)-x0, t.Res.OK)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Printf("  %.0f req/s, p99 %s", t.Res.rate(), t.Res.p(99).Round(time.Microsecond*100))
	}
	return nil
}

// growth fills one consultation to each size in turn and times the pages and queries whose
// cost follows the number of opinions.
func growth(ctx context.Context, rep *report, srv *server, a *api, db *sql.DB, villageIDs []int64) error {
	o := rep.o
	c, err := a.createConsultation(ctx, "Dự thảo hương ước Xã An Bình (nhiều ý kiến)", "post", 30)
	if err != nil {
		return err
	}
	endpoints := []struct{ name, path string }{
		{"opinion list, page 1", fmt.Sprintf("/c/%d/opinions", c.ID)},
		{"opinion list, page 40", fmt.Sprintf("/c/%d/opinions?page=40", c.ID)},
		{"JSON opinion list, page 1", fmt.Sprintf("/api/v1/consultations/%d/opinions", c.ID)},
		{"JSON summary", fmt.Sprintf("/api/v1/consultations/%d/summary", c.ID)},
		{"consultation page", fmt.Sprintf("/c/%d", c.ID)},
	}
	client := newClient(1, false)
	have := 0
	for _, size := range o.sizes {
		log.Printf("growth: inserting %d opinions", size-have)
		t0 := time.Now()
		if err := bulkInsert(ctx, db, c, villageIDs, have, size); err != nil {
			return err
		}
		step := growthStep{Size: size, Insert: time.Since(t0)}
		have = size
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM opinions").Scan(&step.TableRows); err != nil {
			return err
		}
		log.Printf("growth: %d opinions in the consultation, %d in the table (insert and vacuum %s)", size, step.TableRows, step.Insert.Round(time.Second))
		firstView := time.Now()
		for _, ep := range endpoints {
			et := endpointTiming{Name: ep.name, Path: ep.path}
			resetPeak(srv.pid())
			var times []time.Duration
			for i := 0; i <= o.growthRepeats; i++ {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+ep.path, nil)
				if err != nil {
					return err
				}
				req.Header.Set("Accept-Encoding", "gzip")
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					et.Err = shortError(err)
					break
				}
				var buf bytes.Buffer
				_, err = buf.ReadFrom(res.Body)
				res.Body.Close()
				d := time.Since(t0)
				if err != nil || res.StatusCode != http.StatusOK {
					et.Err = fmt.Sprintf("HTTP %d %v", res.StatusCode, err)
					break
				}
				et.Bytes = buf.Len()
				if i == 0 {
					et.First = d
				} else {
					times = append(times, d)
				}
			}
			if len(times) > 0 {
				slices.Sort(times)
				et.Median, et.Max = times[len(times)/2], times[len(times)-1]
			}
			et.Peak = processMemory(srv.pid())
			log.Printf("  %s: first %s, median %s, peak RSS %d MiB %s", ep.name, et.First.Round(time.Millisecond),
				et.Median.Round(time.Millisecond), et.Peak.Peak/1024, et.Err)
			step.Endpoints = append(step.Endpoints, et)
		}
		if step.Current, err = figuresCurrent(ctx, client, srv.base+endpoints[3].path, db, c.ID, firstView); err != nil {
			return err
		}
		log.Printf("  figures current %s after the first view", step.Current.Round(time.Millisecond))
		step.Loads = []readTarget{
			{Name: "static file, the stylesheet (ceiling)", Path: rep.css},
			{Name: "consultation page", Path: endpoints[4].path, Target: true},
			{Name: "JSON summary", Path: endpoints[3].path, Target: true},
		}
		if err := loadTargets(ctx, srv, db, step.Loads, o.readClients, o.readDuration); err != nil {
			return err
		}
		for _, q := range hotQueries(c.ID, c.Sections[0]) {
			e, err := explain(ctx, db, q)
			if err != nil {
				return err
			}
			step.Queries = append(step.Queries, e)
		}
		rep.growth = append(rep.growth, step)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	if n := len(rep.growth); n > 0 {
		rep.plans = rep.growth[n-1].Queries
	}
	return nil
}

// transactions is the number of transactions committed in the benchmark database so far.
// The portal sends its queries outside transactions except where it needs one, so each
// query is a transaction of its own: the count per request tells how many round trips to
// the database a request costs. Backends publish their counts when idle, at most once a
// second, hence the wait.
func transactions(ctx context.Context, db *sql.DB) int64 {
	time.Sleep(1200 * time.Millisecond)
	var n int64
	_ = db.QueryRowContext(ctx, "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()").Scan(&n)
	return n
}

func perRequest(xacts int64, requests int) float64 {
	if requests == 0 {
		return 0
	}
	return float64(xacts) / float64(requests)
}

// figuresCurrent asks for the JSON summary until its total is the number of approved
// opinions in the database, and answers how long after since that was: 0 if it was at the
// first asking, -1 if not after two minutes.
func figuresCurrent(ctx context.Context, client *http.Client, url string, db *sql.DB, cid int64, since time.Time) (time.Duration, error) {
	var approved int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM opinions WHERE consultation_id = $1 AND status = 'approved'", cid).Scan(&approved); err != nil {
		return 0, err
	}
	for ask, deadline := 0, time.Now().Add(2*time.Minute); time.Now().Before(deadline); ask++ {
		if ask > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, err
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		var sum struct {
			Total int `json:"total"`
		}
		err = json.NewDecoder(res.Body).Decode(&sum)
		res.Body.Close()
		if err != nil {
			return 0, fmt.Errorf("JSON summary: %w", err)
		}
		if sum.Total == approved && ask == 0 {
			return 0, nil
		}
		if sum.Total == approved {
			return time.Since(since), nil
		}
	}
	return -1, nil
}

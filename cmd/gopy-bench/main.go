// Command gopy-bench measures the portal on PostgreSQL and prints a Markdown report:
//
//  1. opinion submissions through the real HTTP stack (POST /api/v1/consultations/{id}/opinions)
//     at several numbers of concurrent clients, next to raw INSERTs of the same row with
//     pgbench at the same concurrency;
//  2. reads of the public pages and the JSON summary, next to a static file of the same server;
//  3. the server's peak memory during the write load;
//  4. the time and memory of the hot queries as one consultation grows to a million
//     opinions, with their PostgreSQL plans at the largest size.
//
// It builds ./cmd/gopy (or takes -gopy), creates a throwaway database in the cluster of -db
// (a superuser URL, $TEST_DATABASE_URL by default), seeds it through the gopy command line
// and the JSON API, runs `gopy serve` on a loopback port, and drops the database at the end.
// Run it from the repository root; `make bench` does, with a throwaway cluster.
//
//	go run ./cmd/gopy-bench -db postgres://postgres@127.0.0.1:5432/postgres > report.md
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	db, gopy, pgbench, out     string
	duration, readDuration     time.Duration
	warmup                     time.Duration
	clients, sizes             []int
	readClients, growthRepeats int
	skipGrowth, keep           bool
	args                       []string
}

func parseFlags() (*options, error) {
	o := &options{args: os.Args[1:]}
	var clients, sizes string
	flag.StringVar(&o.db, "db", os.Getenv("TEST_DATABASE_URL"), "superuser URL of the PostgreSQL cluster to create the throwaway database in")
	flag.StringVar(&o.gopy, "gopy", "", "gopy binary to run (default: go build ./cmd/gopy)")
	flag.StringVar(&o.pgbench, "pgbench", "", "pgbench binary (default: from PATH or /usr/lib/postgresql/*/bin)")
	flag.StringVar(&o.out, "o", "", "write the report to this file (default: standard output)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each write run (portal and pgbench)")
	flag.DurationVar(&o.readDuration, "read-duration", 5*time.Second, "length of each read run")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "untimed write load before the first run")
	flag.StringVar(&clients, "clients", "16,64,256", "numbers of concurrent clients of the write runs")
	flag.IntVar(&o.readClients, "read-clients", 32, "concurrent clients of the read runs")
	flag.StringVar(&sizes, "sizes", "1000,10000,100000,1000000", "opinions in one consultation at each growth step")
	flag.IntVar(&o.growthRepeats, "repeats", 5, "timed requests of each endpoint at each growth step, after the first")
	flag.BoolVar(&o.skipGrowth, "skip-growth", false, "leave out the growth steps")
	flag.BoolVar(&o.keep, "keep", false, "keep the database afterwards")
	flag.Parse()
	var err error
	if o.clients, err = ints(clients); err != nil {
		return nil, fmt.Errorf("-clients: %w", err)
	}
	if o.sizes, err = ints(sizes); err != nil {
		return nil, fmt.Errorf("-sizes: %w", err)
	}
	slices.Sort(o.sizes)
	if o.db == "" {
		return nil, fmt.Errorf("no database: pass -db or set TEST_DATABASE_URL (make bench starts a throwaway cluster)")
	}
	return o, nil
}

func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("gopy-bench: ")
	o, err := parseFlags()
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, o)
	if err != nil {
		log.Fatal(err)
	}
	var w io.Writer = os.Stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	if err := rep.write(w); err != nil {
		log.Fatal(err)
	}
}

// report holds everything measured, for report.go to print.
type report struct {
	o                *options
	m                machine
	pg               pgInfo
	pgbenchVersion   string
	idle, seeded     memory
	writes           []writeLevel
	reads            []readTarget
	growth           []growthStep
	plans            []*explained
	started          time.Time
	total            time.Duration
	css              string // path of the stylesheet, the ceiling of the reads
	readArticles     int
	readOpinions     int
	writeBodyBytes   float64
	pgbenchBodyBytes float64
}

type pgInfo struct {
	Version                                                   string
	SharedBuffers, MaxConnections, Fsync, SyncCommit, WorkMem string
	Indexes                                                   []string // of opinions, as migrated
}

type writeLevel struct {
	Portal     *result
	Stored     int64 // rows the run added, counted in the database
	Pgbench    *pgbenchResult
	PgbenchErr string
}

type readTarget struct {
	Name, Path string
	// Target marks the reads held to the targets: at least readShare of the ceiling, with
	// a p99 of at most readP99.
	Target bool
	Size   int // response body as received (gzip when the server compressed it)
	Res    *result
}

type growthStep struct {
	Size      int
	Insert    time.Duration
	TableRows int64
	// Current is how long after the step's first view the JSON summary counted every
	// approved opinion: the lag of the figures served from memory; 0 if it did right after
	// the timed views, -1 if it never did.
	Current   time.Duration
	Endpoints []endpointTiming
	Queries   []*explained
	// Loads are the read loads at this size: the ceiling, the page and the JSON summary.
	Loads []readTarget
}

type endpointTiming struct {
	Name, Path         string
	First, Median, Max time.Duration
	Bytes              int
	Peak               memory
	Err                string
}

func run(ctx context.Context, o *options) (*report, error) {
	rep := &report{o: o, m: describeMachine(), started: time.Now()}
	log.Printf("machine: %d CPUs, load %s", rep.m.CPUs, rep.m.LoadStart)
	pgbenchBin, err := findPgbench(o.pgbench)
	if err != nil {
		return nil, err
	}
	if out, err := commandOutput(ctx, pgbenchBin, "--version"); err == nil {
		rep.pgbenchVersion = strings.TrimSpace(out)
	}
	dir, err := os.MkdirTemp("", "gopy-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	bin := o.gopy
	if bin == "" {
		log.Print("building ./cmd/gopy")
		if bin, err = buildGopy(ctx, dir); err != nil {
			return nil, err
		}
	}

	name := fmt.Sprintf("gopy_bench_%d", time.Now().UnixNano()%1_000_000_000)
	dbURL, err := createDatabase(ctx, o.db, name)
	if err != nil {
		return nil, err
	}
	if o.keep {
		log.Printf("keeping database %s", name)
	} else {
		defer func() {
			if err := dropDatabase(o.db, name); err != nil {
				log.Printf("drop database %s: %v", name, err)
			}
		}()
	}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(4)

	log.Print("migrating and seeding through the gopy command line")
	token, err := seedAccounts(ctx, bin, dbURL, dir)
	if err != nil {
		return nil, err
	}
	if rep.pg, err = describePostgres(ctx, db); err != nil {
		return nil, err
	}
	srv, err := startServer(ctx, bin, dbURL, dir)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	rep.idle = processMemory(srv.pid())
	a := &api{base: srv.base, token: token, client: newClient(4, false)}

	log.Print("creating consultations through the API")
	readC, err := a.createConsultation(ctx, "Dự thảo hương ước Xã An Bình (đọc)", "post", 10)
	if err != nil {
		return nil, err
	}
	writeC, err := a.createConsultation(ctx, "Dự thảo hương ước Xã An Bình (góp ý)", "pre", 1)
	if err != nil {
		return nil, err
	}
	villageIDs, err := villageIDsOf(ctx, db)
	if err != nil {
		return nil, err
	}
	// 200 opinions on the read consultation, through the API; it publishes them at once
	// (post-moderation), so its page shows 200 approved opinions.
	rep.readArticles = readC.Articles
	payloads := opinionPayloads(readC, 200, 1)
	for i, p := range payloads {
		req, err := jsonRequest(ctx, http.MethodPost, fmt.Sprintf("%s/api/v1/consultations/%d/opinions", srv.base, readC.ID), "", p)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Idempotency-Key", fmt.Sprintf("seed-%d", i))
		res, err := a.client.Do(req)
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("seed opinion %d: HTTP %d", i, res.StatusCode)
		}
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM opinions WHERE consultation_id = $1 AND status = 'approved'", readC.ID).
		Scan(&rep.readOpinions); err != nil {
		return nil, err
	}
	rep.seeded = processMemory(srv.pid())

	if err := writes(ctx, rep, srv, db, dbURL, dir, pgbenchBin, writeC, villageIDs); err != nil {
		return nil, err
	}
	if err := reads(ctx, rep, srv, db, readC); err != nil {
		return nil, err
	}
	if !o.skipGrowth {
		if err := growth(ctx, rep, srv, a, db, villageIDs); err != nil {
			return nil, err
		}
	}
	rep.m.LoadEnd = loadAvg()
	rep.total = time.Since(rep.started)
	log.Printf("done in %s, load %s", rep.total.Round(time.Second), rep.m.LoadEnd)
	return rep, nil
}

func commandOutput(ctx context.Context, name string, args ...string) (string, error) {
	out, err := exec.CommandContext(ctx, name, args...).Output()
	return string(out), err
}

func villageIDsOf(ctx context.Context, db *sql.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, "SELECT id FROM units WHERE kind = 'village' ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no villages imported")
	}
	return ids, rows.Err()
}

func describePostgres(ctx context.Context, db *sql.DB) (pgInfo, error) {
	var p pgInfo
	err := db.QueryRowContext(ctx, `SELECT version(), current_setting('shared_buffers'), current_setting('max_connections'),
		current_setting('fsync'), current_setting('synchronous_commit'), current_setting('work_mem')`).
		Scan(&p.Version, &p.SharedBuffers, &p.MaxConnections, &p.Fsync, &p.SyncCommit, &p.WorkMem)
	if err != nil {
		return p, err
	}
	rows, err := db.QueryContext(ctx, "SELECT indexdef FROM pg_indexes WHERE tablename = 'opinions' ORDER BY indexname")
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			return p, err
		}
		p.Indexes = append(p.Indexes, def)
	}
	return p, rows.Err()
}

// opinionPayloads returns n JSON bodies of opinions on c: a random article or clause (a fifth
// on the whole draft), stance, text, a village for most, a name shown for some and a contact
// with consent for a few, the way residents fill the form.
func opinionPayloads(c *consultation, n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, 2026))
	out := make([][]byte, n)
	stances := []string{"agree", "agree", "agree", "disagree", "disagree", "other"}
	for i := range out {
		p := map[string]any{"stance": stances[r.IntN(len(stances))], "body": opinionText(r)}
		if r.IntN(5) > 0 {
			p["section_id"] = c.Sections[r.IntN(len(c.Sections))]
		}
		if r.IntN(5) > 0 {
			p["village_code"] = villages[r.IntN(len(villages))]
		}
		if r.IntN(3) == 0 {
			p["author_name"], p["show_name"] = names[r.IntN(len(names))], r.IntN(2) == 0
		}
		if r.IntN(10) == 0 {
			p["contact"], p["consent"] = fmt.Sprintf("09%08d", r.IntN(100_000_000)), true
		}
		out[i] = mustJSON(p)
	}
	return out
}

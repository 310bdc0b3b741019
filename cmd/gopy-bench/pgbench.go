package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// findPgbench returns pgbench from PATH, else from the newest Debian PostgreSQL install.
func findPgbench(flagPath string) (string, error) {
	if flagPath != "" {
		return flagPath, nil
	}
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(dirs) > 0 {
		slices.Sort(dirs)
		return dirs[len(dirs)-1], nil
	}
	return "", fmt.Errorf("pgbench not found (install PostgreSQL's client tools or pass -pgbench)")
}

// pgbenchScript inserts one opinion the way the portal's InsertOpinion does: every column
// GORM writes, ON CONFLICT on the idempotency key, RETURNING the id; a random article or
// clause and village of the consultation, and a Vietnamese text drawn from the same phrases
// the HTTP load sends. Unlike the portal it runs one statement in autocommit: no read of
// the consultation, no BEGIN and COMMIT round trips, no HTTP, JSON or sanitising.
func pgbenchScript(c *consultation, villageIDs []int64) string {
	r := rand.New(rand.NewPCG(7, 2026))
	bodies := make([]string, 64)
	for i := range bodies {
		bodies[i] = "'" + strings.ReplaceAll(opinionText(r), "'", "''") + "'"
	}
	sections := make([]string, len(c.Sections))
	for i, id := range c.Sections {
		sections[i] = strconv.FormatInt(id, 10)
	}
	vills := make([]string, len(villageIDs))
	for i, id := range villageIDs {
		vills[i] = strconv.FormatInt(id, 10)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\\set st random(1, 3)\n\\set sec random(1, %d)\n\\set b random(1, %d)\n\\set v random(1, %d)\n",
		len(sections), len(bodies), len(vills))
	fmt.Fprintf(&b, "INSERT INTO opinions (consultation_id, section_id, stance, body, body_public, flags, reviewed_at, "+
		"decision_seconds, channel, village_id, author_name, show_name, contact, status, rejection_reason, tracking_code, "+
		"idempotency_key, request_hash, submitted_at, decided_at, withdrawn_at, erased_at, entered_by, response_id, offline_ref) "+
		"VALUES (%d, (ARRAY[%s]::bigint[])[:sec], (ARRAY['agree','disagree','other'])[:st], "+
		"(ARRAY[%s])[:b], (ARRAY[%s])[:b], '', NULL, NULL, 'online', (ARRAY[%s]::bigint[])[:v], '', false, '', 'pending', '', "+
		"upper(substr(md5(random()::text), 1, 16)), md5(random()::text), md5(random()::text) || md5(random()::text), "+
		"now(), NULL, NULL, NULL, NULL, NULL, '') "+
		"ON CONFLICT (consultation_id, idempotency_key) DO NOTHING RETURNING id;\n",
		c.ID, strings.Join(sections, ","), strings.Join(bodies, ","), strings.Join(bodies, ","), strings.Join(vills, ","))
	return b.String()
}

// pgbenchResult is one pgbench run.
type pgbenchResult struct {
	Clients   int
	TPS       float64
	Failed    int
	Latencies []time.Duration
	Note      string
}

var (
	tpsLine    = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	failedLine = regexp.MustCompile(`number of failed transactions: ([0-9]+)`)
)

// runPgbench runs script with n clients on 2 threads for d and reads every transaction's
// latency from pgbench's per-transaction log.
func runPgbench(ctx context.Context, bin, dbURL, dir, script string, n int, d time.Duration) (*pgbenchResult, error) {
	runDir, err := os.MkdirTemp(dir, "pgbench-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(runDir)
	scriptPath := filepath.Join(runDir, "insert_opinion.sql")
	if err := os.WriteFile(scriptPath, []byte(script), 0o644); err != nil {
		return nil, err
	}
	secs := max(1, int(d.Round(time.Second)/time.Second))
	args := []string{"-n", "-c", strconv.Itoa(n), "-j", strconv.Itoa(min(2, n)), "-T", strconv.Itoa(secs),
		"-M", "prepared", "-f", scriptPath, "-l", "--log-prefix", filepath.Join(runDir, "tx"), dbURL}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = runDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pgbench -c %d: %w\n%s", n, err, out)
	}
	res := &pgbenchResult{Clients: n}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("pgbench printed no tps:\n%s", out)
	}
	res.TPS, _ = strconv.ParseFloat(string(m[1]), 64)
	if m := failedLine.FindSubmatch(out); m != nil {
		res.Failed, _ = strconv.Atoi(string(m[1]))
	}
	logs, _ := filepath.Glob(filepath.Join(runDir, "tx.*"))
	for _, path := range logs {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			// client_id transaction_no time script_no time_epoch time_us: time in µs, or
			// "failed" / "skipped".
			fields := strings.Fields(s.Text())
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue
			}
			res.Latencies = append(res.Latencies, time.Duration(us)*time.Microsecond)
		}
		f.Close()
	}
	slices.Sort(res.Latencies)
	return res, nil
}

// connectionRoom is how many more sessions the cluster accepts now, keeping a few spare for
// the server's pool to grow and for this program.
func connectionRoom(ctx context.Context, db *sql.DB) (int, error) {
	var maxConn, reserved, used int
	if err := db.QueryRowContext(ctx, "SELECT current_setting('max_connections')::int, "+
		"current_setting('superuser_reserved_connections')::int, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')").
		Scan(&maxConn, &reserved, &used); err != nil {
		return 0, err
	}
	return maxConn - reserved - used - 4, nil
}

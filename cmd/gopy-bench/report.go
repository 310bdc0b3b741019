package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// ms prints a duration in milliseconds with a precision that suits its size.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "–"
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 1000:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f s", v/1000)
}

func mib(kb int64) string {
	if kb == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", float64(kb)/1024)
}

func size(b int) string {
	if b < 10_000 {
		return fmt.Sprintf("%d B", b)
	}
	return fmt.Sprintf("%.1f KB", float64(b)/1000)
}

func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// The read targets: the consultation page and the JSON summary at readShare or more of the
// ceiling (the stylesheet, in the same run) with a p99 of at most readP99; the first view of
// the largest consultation within firstViewMax; the server's peak RSS within rssMax.
const (
	readShare    = 0.5
	readP99      = 50 * time.Millisecond
	firstViewMax = 200 * time.Millisecond
	rssMaxKiB    = 100 * 1024
)

// readMet tells whether a read load met its targets against the ceiling.
func readMet(t readTarget, ceiling float64) bool {
	return t.Res != nil && ceiling > 0 && t.Res.rate() >= readShare*ceiling && t.Res.p(99) <= readP99 && t.Res.errorCount() == 0
}

func metOrNot(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

func (r *report) write(out io.Writer) error {
	w := bufio.NewWriter(out)
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	o := r.o

	p("# Góp Ý benchmark report")
	p("")
	p("Written by `cmd/gopy-bench` on %s.", r.m.Date)
	p("")
	p("| | |")
	p("|---|---|")
	p("| machine | %d CPUs (`nproc`), %s, %.1f GiB memory, %s |", r.m.CPUs, r.m.CPU, float64(r.m.MemTotalMiB)/1024, r.m.Kernel)
	p("| load average (1, 5, 15 min) | %s at the start, %s at the end |", r.m.LoadStart, r.m.LoadEnd)
	p("| Go | %s |", r.m.GoVersion)
	p("| PostgreSQL | %s |", strings.SplitN(r.pg.Version, ",", 2)[0])
	p("| PostgreSQL settings | shared_buffers %s, work_mem %s, max_connections %s, fsync %s, synchronous_commit %s |",
		r.pg.SharedBuffers, r.pg.WorkMem, r.pg.MaxConnections, r.pg.Fsync, r.pg.SyncCommit)
	p("| pgbench | %s |", r.pgbenchVersion)
	p("| code | %s |", r.m.Commit)
	p("| arguments | `%s` |", strings.Join(o.args, " "))
	p("| whole run | %s |", r.total.Round(time.Second))
	p("")
	if l := load1(r.m.LoadStart); l > 0.5*float64(r.m.CPUs) || load1(r.m.LoadEnd) > 0.5*float64(r.m.CPUs) {
		p("> **The machine was busy with other work** (load %s at the start, %s at the end, on %d CPUs): absolute figures are", r.m.LoadStart, r.m.LoadEnd, r.m.CPUs)
		p("> lower and noisier than on an idle machine. Compare runs by the ratios measured within one run (portal/pgbench,")
		p("> page/static file), not by the absolute numbers.")
		p("")
	}
	p("The server is the real binary (`gopy serve`) with `OPINIONS_PER_HOUR=1000000000`, its own pool of at most 32")
	p("PostgreSQL connections, JSON request logs to a file, and longer HTTP timeouts so slow pages are measured, not cut.")
	p("The load generator runs on the same machine over loopback: each client sends one request at a time on its own")
	p("keep-alive connection, as fast as answers come. Latencies are nearest-rank percentiles of every request.")
	p("CPU columns are shares of one core (%d%% is the whole machine); *load* is the one-minute load average as the run", 100*r.m.CPUs)
	p("started. *DB transactions per request* counts the database's commits over the run per request: for a read, about")
	p("the number of queries it costs (each is sent on its own, outside explicit transactions); for writes, below one")
	p("when opinions are written in batches.")
	p("")

	r.writeTargets(p)
	r.writeWrites(p)
	r.writeReads(p)
	r.writeMemory(p)
	if len(r.growth) > 0 {
		r.writeGrowth(p)
	}
	return w.Flush()
}

func (r *report) writeWrites(p func(string, ...any)) {
	o := r.o
	p("## 1. Opinion submissions")
	p("")
	p("`POST /api/v1/consultations/{id}/opinions` with an `Idempotency-Key` (a new one each time) and the JSON of an")
	p("opinion as residents write them: a random article or clause, stance, Vietnamese text (%.0f bytes on average; one in", r.writeBodyBytes)
	p("ten holds a phone number to mask), a village for most, a shown name for some, a contact with consent for a few.")
	p("Each request is validated, cleaned, masked, checked against the consultation (kept in memory, at most 2 s old)")
	p("and stored with its consents, all or nothing; the opinions that arrive while one batch is written are written")
	p("together in the next, one INSERT and one commit, and each request is answered after the commit that holds its")
	p("opinion. %s per run, after %s of untimed warm-up.", o.duration, o.warmup)
	p("")
	p("pgbench then runs the raw INSERT of the same row into the same `opinions` table, with all its indexes and")
	p("constraints (`-c N -j 2 -T %d -M prepared`, one `INSERT … ON CONFLICT DO NOTHING RETURNING id` per transaction in", int(o.duration.Seconds()))
	p("autocommit, texts from the same phrases, %.0f bytes on average).", r.pgbenchBodyBytes)
	p("")
	p("| clients | portal req/s | p50 | p99 | max | errors | rows stored | DB transactions per request | server CPU | generator CPU | machine CPU | load | server peak RSS |")
	p("|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range r.writes {
		res := l.Portal
		p("| %d | %.0f | %s | %s | %s | %s | %s | %.1f | %.0f%% | %.0f%% | %.0f%% | %s | %s |", res.Clients, res.rate(), ms(res.p(50)), ms(res.p(99)),
			ms(res.p(100)), res.errorText(), count(int(l.Stored)), res.Xacts, res.CPU.Server, res.CPU.Generator, res.CPU.Machine, res.Load, mib(res.Peak.Peak))
	}
	p("")
	p("| clients | pgbench clients | pgbench tx/s | p50 | p99 | max | failed | portal / pgbench |")
	p("|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range r.writes {
		if l.Pgbench == nil {
			p("| %d | – | – | – | – | – | – | pgbench failed: %s |", l.Portal.Clients, firstLine(l.PgbenchErr))
			continue
		}
		pb := l.Pgbench
		p("| %d | %d | %.0f | %s | %s | %s | %d | **%.2f** |", l.Portal.Clients, pb.Clients, pb.TPS, ms(percentile(pb.Latencies, 50)),
			ms(percentile(pb.Latencies, 99)), ms(percentile(pb.Latencies, 100)), pb.Failed, l.Portal.rate()/pb.TPS)
	}
	for _, l := range r.writes {
		if l.Pgbench != nil && l.Pgbench.Note != "" {
			p("")
			p("At %d clients pgbench ran with fewer: %s (the portal itself never opens more than 32).", l.Portal.Clients, l.Pgbench.Note)
		}
	}
	p("")
	p("Targets of the issue:")
	p("")
	for _, l := range r.writes {
		if l.Pgbench == nil {
			continue
		}
		ratio := l.Portal.rate() / l.Pgbench.TPS
		p("- portal at half or more of raw INSERT, %d clients: %.2f — %s", l.Portal.Clients, ratio, metOrNot(ratio >= 0.5))
	}
	for _, l := range r.writes {
		if l.Portal.Clients == 64 {
			p99 := l.Portal.p(99)
			p("- p99 under 50 ms at 64 clients: %s — %s", ms(p99), metOrNot(p99 < 50*time.Millisecond && l.Portal.errorCount() == 0))
		}
	}
	p("")
}

func (r *report) writeReads(p func(string, ...any)) {
	o := r.o
	p("## 2. Reads")
	p("")
	p("%d clients for %s on each path, asking for gzip as browsers do. The consultation has %d articles and %d approved",
		o.readClients, o.readDuration, r.readArticles, r.readOpinions)
	p("opinions, all sent through the API. The summary of a consultation is shown on its page (charts and counts);")
	p("the JSON summary is its API form. The static file, served from memory by the same server (and, like every")
	p("response over 1 KB, compressed on the fly), is the ceiling.")
	p("")
	p("These loads come right after the write runs, so the consultation holds the opinions they sent, most of them")
	p("waiting for moderation.")
	p("")
	r.readTable(p, r.reads)
}

// readTable prints read loads, the first being the ceiling, with the targets of those held
// to them.
func (r *report) readTable(p func(string, ...any), loads []readTarget) {
	p("| path | what | body | req/s | p50 | p99 | max | errors | of the ceiling | DB transactions per request | server CPU | load | target: ≥ %.0f%%, p99 ≤ %s |",
		100*readShare, ms(readP99))
	p("|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|")
	var ceiling float64
	for _, t := range loads {
		if t.Res == nil {
			continue
		}
		if ceiling == 0 {
			ceiling = t.Res.rate()
		}
		target := ""
		if t.Target {
			target = metOrNot(readMet(t, ceiling))
		}
		p("| `%s` | %s | %s | %.0f | %s | %s | %s | %s | %.0f%% | %.1f | %.0f%% | %s | %s |", t.Path, t.Name, size(t.Size), t.Res.rate(), ms(t.Res.p(50)),
			ms(t.Res.p(99)), ms(t.Res.p(100)), t.Res.errorText(), 100*t.Res.rate()/ceiling, t.Res.Xacts, t.Res.CPU.Server, t.Res.Load, target)
	}
	p("")
}

// writeTargets sums up every target of the run, read from the sections below it.
func (r *report) writeTargets(p func(string, ...any)) {
	p("## Targets")
	p("")
	p("| target | measured | |")
	p("|---|---|---|")
	for _, l := range r.writes {
		if l.Pgbench != nil && l.Portal.Clients == 64 {
			ratio := l.Portal.rate() / l.Pgbench.TPS
			p("| writes at 64 clients: ≥ 0.5 of pgbench's raw INSERT, p99 < 50 ms | %.2f, p99 %s | %s |", ratio, ms(l.Portal.p(99)),
				metOrNot(ratio >= 0.5 && l.Portal.p(99) < 50*time.Millisecond && l.Portal.errorCount() == 0))
		}
	}
	reads := func(when string, loads []readTarget) {
		var ceiling float64
		for _, t := range loads {
			if t.Res == nil {
				continue
			}
			if ceiling == 0 {
				ceiling = t.Res.rate()
				continue
			}
			if t.Target {
				p("| %s, %s: ≥ %.0f%% of the stylesheet, p99 ≤ %s | %.0f%% (%.0f of %.0f req/s), p99 %s | %s |", t.Name, when, 100*readShare, ms(readP99),
					100*t.Res.rate()/ceiling, t.Res.rate(), ceiling, ms(t.Res.p(99)), metOrNot(readMet(t, ceiling)))
			}
		}
	}
	reads("right after the write runs", r.reads)
	for _, s := range r.growth {
		reads(count(s.Size)+" opinions", s.Loads)
	}
	if n := len(r.growth); n > 0 {
		last := r.growth[n-1]
		for _, e := range last.Endpoints {
			if e.Name == "consultation page" && e.Err == "" {
				p("| first view of the consultation page at %s opinions ≤ %s | %s | %s |", count(last.Size), ms(firstViewMax), ms(e.First), metOrNot(e.First <= firstViewMax))
			}
		}
	}
	var writePeak, readPeak int64
	for _, l := range r.writes {
		writePeak = max(writePeak, l.Portal.Peak.Peak)
	}
	for _, t := range r.reads {
		if t.Res != nil {
			readPeak = max(readPeak, t.Res.Peak.Peak)
		}
	}
	for _, s := range r.growth {
		for _, t := range s.Loads {
			if t.Res != nil {
				readPeak = max(readPeak, t.Res.Peak.Peak)
			}
		}
	}
	p("| server peak RSS under the write load ≤ %s | %s | %s |", mib(rssMaxKiB), mib(writePeak), metOrNot(writePeak > 0 && writePeak <= rssMaxKiB))
	p("| server peak RSS while serving pages ≤ %s | %s | %s |", mib(rssMaxKiB), mib(readPeak), metOrNot(readPeak > 0 && readPeak <= rssMaxKiB))
	p("")
}

func (r *report) writeMemory(p func(string, ...any)) {
	p("## 3. Memory of the server")
	p("")
	p("Resident set of the `gopy serve` process (`/proc/PID/status`); the peak is VmHWM, reset before each run.")
	p("")
	p("| moment | RSS | peak |")
	p("|---|---:|---:|")
	p("| after start | %s | %s |", mib(r.idle.RSS), mib(r.idle.Peak))
	p("| after seeding (3 consultations, 200 opinions) | %s | %s |", mib(r.seeded.RSS), mib(r.seeded.Peak))
	var top int64
	for _, l := range r.writes {
		p("| writes, %d clients | %s | %s |", l.Portal.Clients, mib(l.Portal.Peak.RSS), mib(l.Portal.Peak.Peak))
		top = max(top, l.Portal.Peak.Peak)
	}
	for _, t := range r.reads {
		if t.Res != nil {
			p("| reads, `%s` | %s | %s |", t.Path, mib(t.Res.Peak.RSS), mib(t.Res.Peak.Peak))
		}
	}
	p("")
	p("Peak during the write load: **%s**.", mib(top))
	p("")
}

func (r *report) writeGrowth(p func(string, ...any)) {
	p("## 4. Growth: one consultation with many opinions")
	p("")
	p("One more consultation (40 articles) is filled in SQL (`generate_series`, then `VACUUM ANALYZE` as autovacuum")
	p("would): 95%% approved, the rest pending, rejected or hidden; a fifth on the whole draft, the rest skewed towards")
	p("the first articles; four in five with a village; over 30 days. The table also holds the opinions of the write runs.")
	p("Each path is fetched once (first) and then %d times by one client; the peak is the server's VmHWM over those", r.o.growthRepeats)
	p("requests. The figures come from the counters the database keeps (`opinion_tallies`), and the newest opinions")
	p("of each article from a partial index of public opinions, so a view's queries do not grow with the opinions.")
	p("*First* is the first view after the step's insert, which builds the page (the previous step's copy was of")
	p("another size: the bulk insert changes nothing the cache is told of, so it may also be up to a second old);")
	p("the repeats come from the shared copy of the page, rebuilt once a second.")
	p("")
	p("*Figures current* is how long after the step's first view the JSON summary counted every approved opinion,")
	p("asked right after the timed views and then every 100 ms (*at once*: it did at the first asking).")
	p("")
	p("| opinions | insert + vacuum | rows in `opinions` | figures current |")
	p("|---:|---:|---:|---:|")
	for _, s := range r.growth {
		current := "not within 2 min"
		switch {
		case s.Current == 0:
			current = "at once"
		case s.Current > 0:
			current = ms(s.Current)
		}
		p("| %s | %s | %s | %s |", count(s.Size), s.Insert.Round(100*time.Millisecond), count(int(s.TableRows)), current)
	}
	p("")
	p("| opinions | path | first | median | max | body | server peak RSS | |")
	p("|---:|---|---:|---:|---:|---:|---:|---|")
	for _, s := range r.growth {
		for _, e := range s.Endpoints {
			if e.Err != "" {
				p("| %s | %s `%s` | %s | failed: %s | | | | |", count(s.Size), e.Name, e.Path, ms(e.First), e.Err)
				continue
			}
			slow := ""
			if e.Max > 30*time.Second || e.First > 30*time.Second {
				slow = "over the default 30 s write timeout: the browser would get no page"
			}
			p("| %s | %s | %s | %s | %s | %s | %s | %s |", count(s.Size), e.Name, ms(e.First), ms(e.Median), ms(e.Max), size(e.Bytes), mib(e.Peak.Peak), slow)
		}
	}
	p("")
	p("Under load at each size: %d clients for %s on the stylesheet (the ceiling), the consultation page and the JSON", r.o.readClients, r.o.readDuration)
	p("summary.")
	p("")
	for _, s := range r.growth {
		if len(s.Loads) > 0 {
			p("%s opinions:", count(s.Size))
			p("")
			r.readTable(p, s.Loads)
		}
	}
	p("The hot queries by themselves: the median execution time of three `EXPLAIN (ANALYZE, TIMING OFF)` after one that")
	p("warms the cache; then, from `EXPLAIN (ANALYZE, BUFFERS)`, buffer pages found in shared buffers (an index-only scan")
	p("counts a visibility-map look-up per row) and pages read from the operating system; *seq* marks a sequential scan")
	p("of `opinions`, *sort on disk* a sort larger than `work_mem`.")
	p("")
	head := "| query |"
	sep := "|---|"
	for _, s := range r.growth {
		head += " " + count(s.Size) + " |"
		sep += "---:|"
	}
	p("%s", head)
	p("%s", sep)
	for i := range r.growth[0].Queries {
		row := "| " + r.growth[0].Queries[i].Query.Name + " |"
		for _, s := range r.growth {
			e := s.Queries[i]
			seq := ""
			if e.SeqScan {
				seq = ", *seq*"
			}
			spill := ""
			if e.TempKB > 0 {
				spill = ", sort on disk"
			}
			row += fmt.Sprintf(" %s (%s hit, %s read%s%s) |", ms(e.Execution), pages(e.Hit), pages(e.Read), spill, seq)
		}
		p("%s", row)
	}
	p("")
	for _, e := range r.growth[0].Queries {
		p("- **%s**: %s", e.Query.Name, e.Query.Serves)
	}
	p("")
	last := r.growth[len(r.growth)-1]
	p("### Plans at %s opinions", count(last.Size))
	p("")
	p("The heading gives the execution time without node timing; the times inside each plan include that cost.")
	p("")
	p("Indexes of `opinions`:")
	p("")
	p("```sql")
	for _, def := range r.pg.Indexes {
		p("%s;", def)
	}
	p("```")
	p("")
	for _, e := range r.plans {
		scan := "indexes used: " + strings.Join(e.ScannedIndexes, ", ")
		if len(e.ScannedIndexes) == 0 {
			scan = "no index used"
		}
		if e.SeqScan {
			scan += "; **sequential scan of opinions**"
		}
		p("#### %s — %s", e.Query.Name, ms(e.Execution))
		p("")
		p("%s (%s).", e.Query.Serves, scan)
		p("")
		p("```sql")
		p("%s", e.Query.SQL)
		p("```")
		p("")
		p("```text")
		p("%s", e.Plan)
		p("```")
		p("")
	}
}

// pages prints a number of buffer pages briefly: 538k.
func pages(n int64) string {
	switch {
	case n >= 10_000_000:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

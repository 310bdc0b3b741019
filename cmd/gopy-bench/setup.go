package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// buildGopy builds ./cmd/gopy into dir, as `go build` would for a release.
func buildGopy(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "gopy")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/gopy")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/gopy: %w", err)
	}
	return bin, nil
}

// createDatabase makes a new database in the cluster of adminURL and returns its URL.
func createDatabase(ctx context.Context, adminURL, name string) (string, error) {
	db, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropDatabase removes the database made by createDatabase, ending its sessions first.
func dropDatabase(adminURL, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sql.Open("pgx", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	return err
}

// cli runs a gopy command against the benchmark database and returns its output.
func cli(ctx context.Context, bin, dbURL, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "LOG_FORMAT=text", "DEMO=false")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("gopy %s: %w\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		return "", fmt.Errorf("gopy %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// seedAccounts applies the migrations, imports a province, a commune and its villages,
// and creates an official of the commune with an API token, all through the command line.
func seedAccounts(ctx context.Context, bin, dbURL, dir string) (token string, err error) {
	if _, err := cli(ctx, bin, dbURL, "", "migrate"); err != nil {
		return "", err
	}
	csv := "code,name,kind,parent_code,households\n" +
		"BT,Tỉnh Bình Thuận (thử),province,,\n" +
		"BT-AB,Xã An Bình,commune,BT,\n"
	for i, v := range villages {
		csv += fmt.Sprintf("%s,%s,village,BT-AB,%d\n", v, villageNames[i], 80+25*i)
	}
	path := filepath.Join(dir, "units.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		return "", err
	}
	if _, err := cli(ctx, bin, dbURL, "", "units", "import", path); err != nil {
		return "", err
	}
	if _, err := cli(ctx, bin, dbURL, "bench-password-không-dùng-thật\n", "user", "add",
		"--email", "canbo@bench.invalid", "--name", "Cán bộ xã", "--role", "official", "--unit", "BT-AB"); err != nil {
		return "", err
	}
	out, err := cli(ctx, bin, dbURL, "", "token", "create", "--email", "canbo@bench.invalid")
	if err != nil {
		return "", err
	}
	f := strings.Fields(out)
	if len(f) == 0 {
		return "", fmt.Errorf("gopy token create printed nothing")
	}
	return f[len(f)-1], nil
}

var (
	villages     = []string{"BT-AB-1", "BT-AB-2", "BT-AB-3", "BT-AB-4", "BT-AB-5", "BT-AB-6", "BT-AB-7", "BT-AB-8"}
	villageNames = []string{"Thôn Một", "Thôn Hai", "Thôn Ba", "Thôn Bốn", "Thôn Đông", "Thôn Tây", "Xóm Chợ", "Xóm Bãi"}
)

// server is the gopy binary serving the benchmark database.
type server struct {
	cmd  *exec.Cmd
	base string
	log  string
	done chan error
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs `gopy serve` on a free loopback port. The per-address opinion throttle is
// raised so the load generator, one address, is never refused; the write timeout is raised
// so the slowest page at the largest size is measured rather than cut (the report says when
// a request took longer than the default).
func startServer(ctx context.Context, bin, dbURL, dir string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	logPath := filepath.Join(dir, "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"DATABASE_URL="+dbURL, "ADDR="+fmt.Sprintf("127.0.0.1:%d", port), "BASE_URL="+base,
		"OPINIONS_PER_HOUR=1000000000", "DEMO=false", "LOG_FORMAT=json",
		"HTTP_WRITE_TIMEOUT=300s", "HTTP_READ_TIMEOUT=300s")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: base, log: logPath, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); logFile.Close() }()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("gopy serve exited: %v; log: %s", err, tail(logPath))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		default:
		}
		if res, err := client.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	s.stop()
	return nil, fmt.Errorf("gopy serve not ready after 30s; log: %s", tail(logPath))
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// stop ends the server gracefully, or kills it after the shutdown timeout.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// api talks to the server's JSON API as the official.
type api struct {
	base, token string
	client      *http.Client
}

func (a *api) call(ctx context.Context, method, path string, in, out any, want int) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	req, err := jsonRequest(ctx, method, a.base+path, a.token, body)
	if err != nil {
		return err
	}
	res, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: HTTP %d: %.500s", method, path, res.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// consultation is what the benchmark needs to know of a published consultation.
type consultation struct {
	ID       int64
	Sections []int64 // the commentable ones: articles and clauses, not chapters
	Articles int
}

var chapterPath = regexp.MustCompile(`^c[0-9]+$`)

// createConsultation creates and publishes a 40-article hương ước of the commune, open from
// daysBefore days ago for the legal 30 days and more.
func (a *api) createConsultation(ctx context.Context, title, moderation string, daysBefore int) (*consultation, error) {
	today := time.Now().Truncate(24 * time.Hour)
	in := map[string]any{
		"title": title, "kind": "huong_uoc", "unit_code": "BT-AB", "moderation": moderation,
		"summary":   "Dự thảo hương ước của Xã An Bình, lấy ý kiến nhân dân theo Luật Thực hiện dân chủ ở cơ sở.",
		"text":      draftText(),
		"opens_at":  today.AddDate(0, 0, -daysBefore),
		"closes_at": today.AddDate(0, 0, 45),
	}
	var created struct {
		ID int64 `json:"id"`
	}
	if err := a.call(ctx, http.MethodPost, "/api/v1/consultations", in, &created, http.StatusCreated); err != nil {
		return nil, err
	}
	path := fmt.Sprintf("/api/v1/consultations/%d", created.ID)
	if err := a.call(ctx, http.MethodPost, path+"/publish", map[string]any{}, nil, http.StatusOK); err != nil {
		return nil, err
	}
	var got struct {
		Status   string `json:"status"`
		Sections []struct {
			ID   int64  `json:"id"`
			Path string `json:"path"`
		} `json:"sections"`
	}
	if err := a.call(ctx, http.MethodGet, path, nil, &got, http.StatusOK); err != nil {
		return nil, err
	}
	if got.Status != "open" {
		return nil, fmt.Errorf("consultation %d is %q after publishing", created.ID, got.Status)
	}
	c := &consultation{ID: created.ID}
	for _, s := range got.Sections {
		if chapterPath.MatchString(s.Path) {
			continue
		}
		c.Sections = append(c.Sections, s.ID)
		if !strings.Contains(s.Path, ".k") {
			c.Articles++
		}
	}
	if c.Articles < articleCount() {
		return nil, fmt.Errorf("consultation %d has %d articles, want %d", c.ID, c.Articles, articleCount())
	}
	return c, nil
}

// Command gopy runs Góp Ý, the public-consultation portal for Vietnamese communes.
//
//	gopy [serve]       run the portal
//	gopy migrate       apply pending database migrations
//	gopy user add      create a staff account (password on standard input)
//	gopy token create  print a bearer token for the API
//	gopy demo          load the demo data into an empty database
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/demo"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gopy:", err)
		os.Exit(1)
	}
}

const usage = `usage:
  gopy [serve]                                              run the portal on $ADDR (default :8080)
  gopy migrate                                              apply pending migrations
  gopy user add --email E --name N --role R --unit CODE     create a staff account; password on stdin
  gopy user password --email E                              set an account's password (on stdin); ends its sessions and tokens
  gopy token create --email E                               print a new API bearer token
  gopy token revoke --email E                               revoke every token of an account
  gopy units import FILE.csv                                create or update units (code,name,kind,parent_code,households)
  gopy demo                                                 load demo data into an empty database
  gopy purge                                                erase personal data kept past RETENTION_DAYS`

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	setupLogging(cfg)
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg)
	case "migrate":
		st, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer st.Close()
		return st.Migrate(ctx)
	case "user":
		if len(args) == 0 || (args[0] != "add" && args[0] != "password") {
			return errors.New(usage)
		}
		if args[0] == "password" {
			return userPassword(ctx, cfg, args[1:], stdin, stdout)
		}
		return userAdd(ctx, cfg, args[1:], stdin, stdout)
	case "token":
		if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
			return errors.New(usage)
		}
		if args[0] == "revoke" {
			return tokenRevoke(ctx, cfg, args[1:], stdout)
		}
		return tokenCreate(ctx, cfg, args[1:], stdout)
	case "units":
		if len(args) != 2 || args[0] != "import" {
			return errors.New(usage)
		}
		return unitsImport(ctx, cfg, args[1], stdout)
	case "demo":
		a, closeDB, err := openApp(ctx, cfg)
		if err != nil {
			return err
		}
		defer closeDB()
		return loadDemo(ctx, a, stdout)
	case "purge":
		a, closeDB, err := openApp(ctx, cfg)
		if err != nil {
			return err
		}
		defer closeDB()
		n, err := a.PurgeExpired(ctx)
		if err == nil {
			fmt.Fprintf(stdout, "erased the contacts or names of %d opinions, %d scans of papers and %d e-mail messages\n",
				n.Opinions, n.Attachments, n.Messages)
		}
		return err
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

func setupLogging(cfg config.Config) {
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, nil)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(os.Stderr, nil)
	}
	slog.SetDefault(slog.New(h))
}

// openApp opens the database and refuses a schema that is behind the code.
func openApp(ctx context.Context, cfg config.Config) (*app.App, func(), error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	current, err := st.SchemaCurrent(ctx)
	if err == nil && !current {
		err = errors.New("the database schema is behind this version: run `gopy migrate` first")
	}
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	a := app.New(st)
	a.BaseURL = cfg.BaseURL
	a.MailEnabled = cfg.Mail.Enabled()
	a.RetentionDays = cfg.RetentionDays
	a.Calendar = domain.DefaultCalendar().With(cfg.Holidays, cfg.WorkingDays)
	// The App's background work (the opinion writer, the workers serve starts) has ended
	// before the pool closes.
	return a, func() { a.Shutdown(); _ = st.Close() }, nil
}

// defaultMemoryLimit is the soft memory limit the portal gives Go's collector when
// GOMEMLIMIT is not set. A serving portal's heap is tens of MiB; what can push it far above
// is a burst of logins, each password check leaving its hash's 64 MiB behind as garbage
// (app/passwords.go runs two at once), which the collector's pacing alone lets pile up to
// several checks' worth. Near this limit the collector runs sooner instead. The limit is
// soft: a heap that really needs more gets it.
const defaultMemoryLimit = 320 << 20

func serve(ctx context.Context, cfg config.Config) error {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	if cfg.IsSQLite() {
		// The embedded database is the zero-setup default: bring its schema up to date.
		st, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		err = st.Migrate(ctx)
		_ = st.Close()
		if err != nil {
			return err
		}
	}
	a, closeDB, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	// Deferred, so it runs once the HTTP server has stopped: the workers and recomputations
	// end, then the store closes.
	defer closeDB()
	if cfg.LoadDemo {
		if empty, err := a.IsEmpty(ctx); err == nil && empty {
			if err := loadDemo(ctx, a, os.Stdout); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
		}
	}
	if !cfg.SecretGiven {
		// Every instance on the database signs and verifies the opinion form with the same
		// key: behind a load balancer the form is often sent back to another instance.
		if cfg.Secret, err = a.SharedSecret(ctx, "form-start"); err != nil {
			return fmt.Errorf("the form key: %w", err)
		}
	}
	srv, err := web.New(cfg, a)
	if err != nil {
		return err
	}
	a.Go(func(ctx context.Context) { purgeExpired(ctx, a) })
	if cfg.DebugAddr != "" {
		go serveDebug(ctx, cfg.DebugAddr)
	}
	if cfg.Mail.Enabled() {
		sender, err := mailSender(cfg)
		if err != nil {
			return err
		}
		a.Go(func(ctx context.Context) { sendMail(ctx, a, cfg, sender) })
		slog.Info("mail on", "smtp", cfg.Mail.Addr, "digest_hour", cfg.Mail.DigestHour)
	}
	slog.Info("listening", "addr", cfg.Addr, "database", a.DatabaseKind(), "url", cfg.BaseURL)
	return srv.Start(ctx)
}

func loadDemo(ctx context.Context, a *app.App, out io.Writer) error {
	logins, err := demo.Load(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Demo data loaded (an example commune, not a real one). Staff logins, shown only this once:")
	for _, l := range logins {
		fmt.Fprintf(out, "  %-10s %-24s %s\n", l.Role, l.Email, l.Password)
	}
	return nil
}

func userAdd(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address (login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, official, moderator, observer or front")
	unit := fs.String("unit", "", "code of the unit the role covers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	a, closeDB, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	st, err := a.CreateStaff(ctx, app.NewStaff{
		Email: *email, Name: *name, Role: *role, UnitCode: *unit, Password: strings.TrimRight(password, "\r\n"),
	})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "created %s (%s) as %s of %s\n", st.Email, st.Name, *role, *unit)
	return nil
}

// userPassword sets the password of an account from standard input, for an administrator who
// lost theirs or a first password set from a script.
func userPassword(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout io.Writer) error {
	return forAccount(ctx, cfg, "user password", args, func(a *app.App, email string) error {
		password, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if err := a.SetPasswordByEmail(ctx, email, app.NewPassword{New: strings.TrimRight(password, "\r\n")}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password set for %s; its sessions and tokens have ended\n", email)
		return nil
	})
}

func tokenCreate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	return forAccount(ctx, cfg, "token create", args, func(a *app.App, email string) error {
		token, err := a.CreateToken(ctx, email)
		if err == nil {
			fmt.Fprintln(stdout, token)
		}
		return err
	})
}

func tokenRevoke(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	return forAccount(ctx, cfg, "token revoke", args, func(a *app.App, email string) error {
		n, err := a.RevokeTokensOf(ctx, email)
		if err == nil {
			fmt.Fprintf(stdout, "revoked %d tokens\n", n)
		}
		return err
	})
}

// forAccount parses --email for a command about one staff account and runs it on the app.
func forAccount(ctx context.Context, cfg config.Config, name string, args []string, do func(a *app.App, email string) error) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address of the staff account")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, closeDB, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := do(a, *email); err != nil {
		return describe(err)
	}
	return nil
}

// describe spells out a validation error field by field, in English for the terminal.
func describe(err error) error {
	de := domain.AsError(err)
	if de.Code == domain.CodeInternal {
		return err
	}
	var b strings.Builder
	b.WriteString(i18n.T(i18n.EN, de.Message.Key, de.Message.Args...))
	for f, m := range de.Fields {
		fmt.Fprintf(&b, "\n  --%s: %s", f, i18n.T(i18n.EN, m.Key, m.Args...))
	}
	return errors.New(b.String())
}

// purgeExpired erases, every hour, the personal data kept longer than the retention period
// after a consultation's results were published (app.PurgeExpired).
func purgeExpired(ctx context.Context, a *app.App) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := a.PurgeExpired(ctx); err != nil {
			slog.Error("purge personal data", "err", err)
		} else if n != (domain.Purged{}) {
			slog.Info("purged personal data", "opinions", n.Opinions, "attachments", n.Attachments, "messages", n.Messages)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// unitsImport loads the official unit list; it is how a new installation gets its first
// units, before `gopy user add` can give the first admin a unit.
func unitsImport(ctx context.Context, cfg config.Config, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	a, closeDB, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := a.ImportUnits(ctx, nil, f)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "units: %d created, %d updated\n", res.Created, res.Updated)
	return nil
}

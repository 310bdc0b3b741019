package migrations_test

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/migrations"
)

// TestDialectsHaveTheSameVersions keeps the two folders in step: a migration added for one
// database must be added for the other under the same number.
func TestDialectsHaveTheSameVersions(t *testing.T) {
	list := func(dir string) []string {
		names, err := fs.Glob(migrations.FS, dir+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		var versions []string
		for _, n := range names {
			base := strings.TrimPrefix(n, dir+"/")
			v, _, ok := strings.Cut(base, "_")
			if !ok || len(v) != 5 {
				t.Errorf("%s: want a name like 00001_what.sql", n)
			}
			versions = append(versions, base)
		}
		return versions
	}
	pg, lite := list("postgres"), list("sqlite")
	if len(pg) == 0 {
		t.Fatal("no migrations")
	}
	if !slices.Equal(pg, lite) {
		t.Fatalf("postgres has %v, sqlite has %v", pg, lite)
	}
	for _, n := range pg {
		for _, dir := range []string{"postgres", "sqlite"} {
			b, _ := fs.ReadFile(migrations.FS, dir+"/"+n)
			if !strings.Contains(string(b), "-- +goose Up") || !strings.Contains(string(b), "-- +goose Down") {
				t.Errorf("%s/%s lacks goose Up or Down markers", dir, n)
			}
		}
	}
}

// released holds the SHA-256 of every migration that has shipped. An installation that ran
// one never runs it again, so editing it would leave that database different from a new one:
// a change to the schema is a new migration.
var released = map[string]string{
	"postgres/00001_init.sql": "3c1785a670e16f2d69109da5c59fba001138f892c1f394f8cdcf281effaab941",
	"sqlite/00001_init.sql":   "357993c3801650ed2885d5bc8a4c7a21c5825591c6f9641207bc530fb85e6534",
}

func TestReleasedMigrationsAreNeverEdited(t *testing.T) {
	for name, want := range released {
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatalf("%s: %v (a released migration cannot be removed)", name, err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != want {
			t.Errorf("%s was edited after release (sha256 %s, want %s): add a new migration instead", name, got, want)
		}
	}
}

package migrations_test

import (
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

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
	"postgres/00001_init.sql":                 "3c1785a670e16f2d69109da5c59fba001138f892c1f394f8cdcf281effaab941",
	"postgres/00002_decisions_inbox.sql":      "4caddc2b6e8436071f53e62fcbf53f53c77fbc2443a32bb0abb522bced6e7d68",
	"postgres/00003_household_decisions.sql":  "6b2b0e66b6ebca28230263870b76332b45066866feb1ccd533a5abecf42a95e2",
	"postgres/00004_versions_recognition.sql": "fcf2472776a1b44f37c7d870dce0cb302e80590ba73611c90c5d234ad69aa4bd",
	"postgres/00005_offline_satisfaction.sql": "eacbe4b932579ffd1296f158aca1c21b9e51afd65085c066f2f88b0a745e020b",
	"postgres/00006_summary_indexes.sql":      "ce5a5c46d3706ed3b52d1ccdff0f33ad9987fdd740465eff1a1e38ae143e495f",
	"postgres/00007_opinion_list_indexes.sql": "ea5cc15a79c0dd0da40d49e8bde4f207b499c841817fbb996b4fb0606b06b1a8",
	"sqlite/00001_init.sql":                   "357993c3801650ed2885d5bc8a4c7a21c5825591c6f9641207bc530fb85e6534",
	"sqlite/00002_decisions_inbox.sql":        "689b3686acb00ffd751642221dd0e41b606432e5395aa25da0fdb7f03540e695",
	"sqlite/00003_household_decisions.sql":    "f491ba5351bfb5df01a419f0234beff90988f8b8017116b0fb886778eb817287",
	"sqlite/00004_versions_recognition.sql":   "47b6325c85c3160bfa8673dd6df0ae1d9c189d85f416d97b743bd1d9771a28c3",
	"sqlite/00005_offline_satisfaction.sql":   "87efe39709a147f40dc14228930ad3c821225214bdc6a7833abf0e7074692f80",
	"sqlite/00006_summary_indexes.sql":        "ce5a5c46d3706ed3b52d1ccdff0f33ad9987fdd740465eff1a1e38ae143e495f",
	"sqlite/00007_opinion_list_indexes.sql":   "e6032489a5402270864a80941760cd8992dc502fe75f28d25c9dd9dcd0e4ff0b",
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

package architecture

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	module   = "github.com/gopy-vn/gopy"
	storePkg = module + "/internal/store"
)

// aboveStore are the packages that reach the database only through internal/app: pages, API,
// exports, what pages and API share, and the domain the store itself builds on. Their tests
// may still open a store (testutil.EachDB); their code may not.
var aboveStore = []string{"internal/web", "internal/api", "internal/export", "internal/httpx", "internal/domain"}

// imports maps each folder of the module (slash-separated, relative to its root) to the
// imports of its non-test Go files, each import to the files that make it.
func imports(t *testing.T) map[string]map[string][]string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	out := map[string]map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		if out[dir] == nil {
			out[dir] = map[string][]string{}
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			out[dir][p] = append(out[dir][p], filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func isGorm(p string) bool { return p == "gorm.io" || strings.HasPrefix(p, "gorm.io/") }

// TestOnlyStoreTalksToDatabase: pages, API, exports and the domain import neither the store
// nor GORM, and no package but the store imports GORM.
func TestOnlyStoreTalksToDatabase(t *testing.T) {
	all := imports(t)

	// The scan sees imports: the store's own use of GORM is found.
	if !slices.ContainsFunc(slices.Collect(maps.Keys(all["internal/store"])), isGorm) {
		t.Fatal("internal/store imports no gorm.io package: the scan reads no imports")
	}

	for _, dir := range aboveStore {
		imps, ok := all[dir]
		if !ok {
			t.Errorf("%s has no Go files: update the list of packages above the store", dir)
			continue
		}
		for p, files := range imps {
			if p == storePkg || strings.HasPrefix(p, storePkg+"/") || isGorm(p) {
				t.Errorf("%s imports %s; it must go through internal/app", strings.Join(files, ", "), p)
			}
		}
	}
	for dir, imps := range all {
		if dir == "internal/store" || strings.HasPrefix(dir, "internal/store/") {
			continue
		}
		for p, files := range imps {
			if isGorm(p) {
				t.Errorf("%s imports %s; only internal/store talks to the database", strings.Join(files, ", "), p)
			}
		}
	}
}

package api_test

// Tests of the OpenAPI document served at GET /api/v1/openapi.json: it is valid JSON of
// OpenAPI 3.1, and it lists exactly the routes the real server mounts under /api/v1, with
// the same methods, so the document cannot drift from the code.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
	"github.com/gopy-vn/gopy/internal/web"
)

// apiPrefix is where the API is mounted; the document's paths are relative to its server
// URL, which must be this prefix.
const apiPrefix = "/api/v1"

// httpMethods are the keys of an OpenAPI path item that are operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

type openAPIOperation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []map[string]any           `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
}

func readOpenAPI(t *testing.T) ([]byte, *openAPIDoc) {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPIDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	return raw, &doc
}

// documented returns "METHOD /path" for every operation of the document.
func documented(t *testing.T, doc *openAPIDoc) map[string]openAPIOperation {
	t.Helper()
	ops := map[string]openAPIOperation{}
	for path, item := range doc.Paths {
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return ops
}

var echoParam = regexp.MustCompile(`:([A-Za-z_][A-Za-z0-9_]*)`)

// registered returns "METHOD /path" for every route the real server mounts under /api/v1,
// with Echo's ":id" parameters written as OpenAPI's "{id}" and the prefix removed.
func registered(t *testing.T) map[string]bool {
	t.Helper()
	st := testutil.NewStore(t, store.SQLite)
	cfg := config.Config{Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1"}
	srv, err := web.New(cfg, app.New(st))
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	routes := map[string]bool{}
	for _, r := range srv.Echo.Routes() {
		// Groups with middleware add catch-all "route not found" entries; they are not routes.
		if !slices.Contains(httpMethods, strings.ToLower(r.Method)) {
			continue
		}
		if !strings.HasPrefix(r.Path, apiPrefix+"/") {
			continue
		}
		path := echoParam.ReplaceAllString(strings.TrimPrefix(r.Path, apiPrefix), "{$1}")
		routes[r.Method+" "+path] = true
	}
	if len(routes) == 0 {
		t.Fatal("the server registers no route under " + apiPrefix)
	}
	return routes
}

// TestOpenAPIDocument checks that the document is pretty-printed JSON of OpenAPI 3.1,
// served from /api/v1, that its references resolve, and that every operation names its
// path parameters and has an operationId of its own.
func TestOpenAPIDocument(t *testing.T) {
	raw, doc := readOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != apiPrefix {
		t.Errorf("servers = %+v, want one server with url %q", doc.Servers, apiPrefix)
	}

	var indented bytes.Buffer
	if err := json.Indent(&indented, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(indented.Bytes()), bytes.TrimSpace(raw)) {
		t.Error("openapi.json is not pretty-printed with two-space indentation")
	}

	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	for _, ref := range refs(tree, nil) {
		if !resolves(tree, ref) {
			t.Errorf("$ref %q does not resolve", ref)
		}
	}

	ids := map[string]string{}
	for key, op := range documented(t, doc) {
		if op.OperationID == "" {
			t.Errorf("%s: no operationId", key)
		} else if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s: operationId %q already used by %s", key, op.OperationID, other)
		}
		ids[op.OperationID] = key
		if len(op.Responses) == 0 {
			t.Errorf("%s: no responses", key)
		}
		_, path, _ := strings.Cut(key, " ")
		for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
			if !declaresPathParam(tree, op, m[1]) {
				t.Errorf("%s: path parameter %q not declared", key, m[1])
			}
		}
	}
}

// TestOpenAPIMatchesRoutes checks the document against the routes of the real server:
// every route under /api/v1 is documented with its method, and nothing else is.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	_, doc := readOpenAPI(t)
	ops := documented(t, doc)
	routes := registered(t)
	for r := range routes {
		if _, ok := ops[r]; !ok {
			t.Errorf("route %s (under %s) is not in openapi.json", r, apiPrefix)
		}
	}
	for op := range ops {
		if !routes[op] {
			t.Errorf("openapi.json documents %s, which the server does not register", op)
		}
	}
}

// TestOpenAPIServed checks that the server serves the embedded document as JSON.
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	raw, _ := readOpenAPI(t)
	env := testutil.StartServer(t, testutil.NewStore(t, store.SQLite))
	res, err := http.Get(env.URL + apiPrefix + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	if !bytes.Equal(body, raw) {
		t.Error("the served document differs from openapi.json")
	}
}

// refs collects every "$ref" value in a decoded JSON tree.
func refs(v any, out []string) []string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				out = append(out, s)
				continue
			}
			out = refs(x, out)
		}
	case []any:
		for _, x := range v {
			out = refs(x, out)
		}
	}
	return out
}

// resolve follows a local JSON pointer ("#/components/schemas/Error").
func resolve(tree any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	cur := tree
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func resolves(tree any, ref string) bool {
	_, ok := resolve(tree, ref)
	return ok
}

// declaresPathParam reports whether an operation lists a path parameter, directly or by $ref.
func declaresPathParam(tree any, op openAPIOperation, name string) bool {
	for _, p := range op.Parameters {
		if ref, ok := p["$ref"].(string); ok {
			r, ok := resolve(tree, ref)
			if !ok {
				continue
			}
			if p, ok = r.(map[string]any); !ok {
				continue
			}
		}
		if p["in"] == "path" && p["name"] == name && p["required"] == true {
			return true
		}
	}
	return false
}

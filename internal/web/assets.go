package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// assets serves embedded static files under names that carry a hash of their content, so
// browsers can cache them for a year and still see every change at once.
type assets struct {
	hashed map[string]string // "app.css" → "app.3f2a9c1b.css"
	files  map[string][]byte // hashed name → content
}

func newAssets(fsys fs.FS) (*assets, error) {
	a := &assets{hashed: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		name := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		a.hashed[p], a.files[name] = name, b
		return nil
	})
	return a, err
}

// URL returns the hashed URL of a static file.
func (a *assets) URL(name string) string {
	if h, ok := a.hashed[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

func (a *assets) serve(c echo.Context) error {
	name := c.Param("*")
	b, ok := a.files[name]
	if !ok {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, mime.TypeByExtension(path.Ext(name)), b)
}

// Package views holds the html/template files: layouts, partials and one file per page.
package views

import "embed"

// FS holds the templates.
//
//go:embed layouts/*.html partials/*.html pages/*.html
var FS embed.FS

// Package public holds the static files (CSS, small progressive JavaScript, icons), embedded
// in the binary and served under content-hashed names.
package public

import "embed"

// FS holds the static files.
//
//go:embed *.css *.svg *.js
var FS embed.FS

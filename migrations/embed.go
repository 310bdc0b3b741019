// Package migrations holds the numbered SQL migrations, one folder per database dialect.
//
// Both folders carry the same version numbers; a test checks that they match.
// A migration that has landed is never edited: a change is a new file.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS

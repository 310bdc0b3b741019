// Package architecture holds the tests that keep the layers apart (docs/architecture.md):
// which packages may import the store and the database driver.
package architecture

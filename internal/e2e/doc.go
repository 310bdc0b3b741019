// Package e2e holds end-to-end tests that drive a real Chromium against the real server.
package e2e

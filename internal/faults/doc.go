// Package faults holds the fault tests: the real gopy binary, run as a child process on
// loopback, is killed with SIGKILL in the middle of a write load, loses its PostgreSQL for a
// while, is stopped with SIGTERM under load, is attacked by slow clients, and takes a burst of
// concurrent logins inside its memory budget; three instances of it on one database behind a
// real HAProxy lose one to SIGKILL under load. The package has no code of its own; see
// faults_test.go, logins_test.go and balancer_test.go.
package faults

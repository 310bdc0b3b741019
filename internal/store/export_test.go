package store

import "sync/atomic"

// HoldBatches makes the batched writers wait before they gather each batch, until release
// is called, so a test can queue a burst and see it written together. held tells how many
// writers wait with an opinion in hand.
func HoldBatches(s *Store) (held func() int64, release func()) {
	gate := make(chan struct{})
	var n atomic.Int64
	s.writer.beforeBatch = func() {
		n.Add(1)
		<-gate
	}
	return n.Load, func() { close(gate) }
}

// Queued is how many opinions wait for a writer.
func Queued(s *Store) int {
	s.writer.mu.RLock()
	defer s.writer.mu.RUnlock()
	return len(s.writer.queue)
}

// BatchesWritten is how many batches of more than one opinion were committed.
func BatchesWritten(s *Store) int64 { return s.writer.batches.Load() }

// Writers is how many batches are written at once.
const Writers = batchWriters

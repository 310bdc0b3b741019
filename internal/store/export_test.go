package store

import (
	"context"
	"sync/atomic"

	"github.com/gopy-vn/gopy/internal/domain"
)

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

// Recount computes the figures the counters keep straight from the opinions, as the store
// did before it kept counters: what the counters must always agree with.
func Recount(ctx context.Context, s *Store, consultationID int64) (*domain.Summary, *domain.ModerationStats, []DayTotal, []domain.CommuneCount, error) {
	sum, err := s.recountSummary(ctx, consultationID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	mod, err := s.recountModerationStats(ctx, consultationID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	days, err := s.recountApprovedPerDay(ctx, consultationID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	communes, err := s.recountOpinionsByCommune(ctx, consultationID)
	return sum, mod, days, communes, err
}

package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopy-vn/gopy/internal/domain"
)

// When a village loudspeaker announces a draft, opinions arrive by the hundred a minute.
// Written one by one, each costs the database its own statement and commit, and the server a
// round trip or four (an opinion with consents needs a transaction). So the opinions that
// arrive while one batch is being written are written together in the next one: one
// multi-row INSERT of the opinions, one of their consents, one commit ("group commit").
//
//   - A lone opinion is written at once, as before: nothing waits to fill a batch, so a
//     quiet portal answers as fast as ever, and a busy one writes bigger batches.
//   - Every commenter still gets an answer only after the commit that holds the opinion.
//   - A batch that the database refuses for one of its rows (a retry whose idempotency key
//     another instance stored meanwhile, a constraint) is written again one opinion at a
//     time, so each gets its own answer; a database that cannot be reached fails them all
//     at once with the error that makes them 503.
const (
	batchWriters = 2   // batches written at once: one is sent while the other commits
	maxBatch     = 128 // opinions of one statement: 26 columns each, far below both databases' limits
	batchTimeout = 30 * time.Second
)

type opinionWrite struct {
	ctx      context.Context
	opinion  *domain.Opinion
	consents []domain.Consent
	done     chan writeResult // buffered: the writer never waits for the requester
}

// batchKey is an idempotency key, which is unique per consultation.
type batchKey struct {
	consultation int64
	key          string
}

type writeResult struct {
	stored  *domain.Opinion
	created bool
	err     error
}

// opinionWriter feeds the queue of opinions to its writers while RunWriter runs.
type opinionWriter struct {
	mu      sync.RWMutex       // held for reading while queueing, for writing to start and stop
	queue   chan *opinionWrite // nil while no RunWriter runs
	closed  bool               // the store is closed: no RunWriter starts
	stop    chan struct{}      // closed with the store, to end a RunWriter still running
	running sync.WaitGroup     // the RunWriter running, which Close waits for

	batches     atomic.Int64 // batches of more than one opinion committed
	beforeBatch func()       // test hook: runs before a writer gathers a batch
}

func newOpinionWriter() *opinionWriter { return &opinionWriter{stop: make(chan struct{})} }

// RunWriter writes the opinions InsertOpinion hands it, in batches, until ctx ends or the
// store is closed; it then writes what is still queued and returns. While none runs (before,
// after, or inside a transaction), InsertOpinion writes each opinion on its own. One runs at
// a time: a second call returns at once. The App runs it in its background group, so that
// the server stops it, and waits for it, before it closes the store.
func (s *Store) RunWriter(ctx context.Context) {
	w := s.writer
	w.mu.Lock()
	if w.queue != nil || w.closed {
		w.mu.Unlock()
		return
	}
	queue := make(chan *opinionWrite, 4*maxBatch)
	w.queue = queue
	w.running.Add(1)
	w.mu.Unlock()
	defer w.running.Done()

	var writers sync.WaitGroup
	for range batchWriters {
		writers.Go(func() {
			for first := range queue {
				if w.beforeBatch != nil {
					w.beforeBatch()
				}
				batch := []*opinionWrite{first}
			gather:
				for len(batch) < maxBatch {
					select {
					case next, ok := <-queue:
						if !ok {
							break gather
						}
						batch = append(batch, next)
					default:
						break gather
					}
				}
				s.writeBatch(batch)
			}
		})
	}
	select {
	case <-ctx.Done():
	case <-w.stop:
	}
	// Opinions sent from now on are written one by one; the queued ones are written first.
	w.mu.Lock()
	w.queue = nil
	close(queue)
	w.mu.Unlock()
	writers.Wait()
}

// close ends a RunWriter that still runs, once it has written the queue, and keeps any
// other from starting.
func (w *opinionWriter) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.stop)
	}
	w.mu.Unlock()
	w.running.Wait()
}

// enqueue hands an opinion to the writers, or answers false when none runs.
func (w *opinionWriter) enqueue(ctx context.Context, op *opinionWrite) (bool, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.queue == nil {
		return false, nil
	}
	select {
	case w.queue <- op:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// writeBatch writes the opinions of a batch and answers each requester.
func (s *Store) writeBatch(batch []*opinionWrite) {
	var (
		ops   []*opinionWrite
		alone []*opinionWrite // retries of an opinion already in this batch
		keys  = map[batchKey]bool{}
	)
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- writeResult{err: err} // the requester hung up before anything was written
			continue
		}
		if k := op.opinion.IdempotencyKey; k != nil {
			id := batchKey{op.opinion.ConsultationID, *k}
			if keys[id] {
				alone = append(alone, op)
				continue
			}
			keys[id] = true
		}
		ops = append(ops, op)
	}
	defer func() {
		// After the batch has committed, a retry finds the first opinion under its key.
		for _, op := range alone {
			s.writeOne(op)
		}
	}()
	if len(ops) == 1 {
		s.writeOne(ops[0])
		return
	}
	if len(ops) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	opinions := make([]*domain.Opinion, len(ops))
	for i, op := range ops {
		opinions[i] = op.opinion
	}
	err := s.insertBatch(ctx, ops, opinions)
	if err == nil {
		s.writer.batches.Add(1)
		seen := map[int64]bool{}
		for _, o := range opinions {
			if !seen[o.ConsultationID] {
				seen[o.ConsultationID] = true
				s.touched(ctx, o.ConsultationID)
			}
		}
		for _, op := range ops {
			op.done <- writeResult{stored: op.opinion, created: true}
		}
		return
	}
	if IsUnavailable(err) || errors.Is(err, context.DeadlineExceeded) {
		for _, op := range ops {
			op.done <- writeResult{err: err}
		}
		return
	}
	// Refused for one of its rows: give each opinion its own attempt and its own answer.
	for _, op := range ops {
		op.opinion.ID = 0
		for i := range op.consents {
			op.consents[i].ID, op.consents[i].OpinionID = 0, 0
		}
		s.writeOne(op)
	}
}

// insertBatch inserts the opinions and their consents, all or nothing.
func (s *Store) insertBatch(ctx context.Context, ops []*opinionWrite, opinions []*domain.Opinion) error {
	var consents []*domain.Consent
	for _, op := range ops {
		for i := range op.consents {
			consents = append(consents, &op.consents[i])
		}
	}
	if len(consents) == 0 {
		// One statement is atomic on its own.
		return s.conn(ctx).Create(&opinions).Error
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(&opinions).Error; err != nil {
			return err
		}
		for _, op := range ops {
			for i := range op.consents {
				op.consents[i].OpinionID = op.opinion.ID
			}
		}
		return s.conn(ctx).Create(&consents).Error
	})
}

// writeOne writes a single opinion, as InsertOpinion does without a writer.
func (s *Store) writeOne(op *opinionWrite) {
	stored, created, err := s.insertOpinion(op.ctx, op.opinion, op.consents)
	op.done <- writeResult{stored: stored, created: created, err: err}
}

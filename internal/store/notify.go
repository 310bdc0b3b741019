package store

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gopy-vn/gopy/internal/cache"
	"github.com/gopy-vn/gopy/internal/domain"
)

// Several instances of the portal may serve one PostgreSQL database behind a load balancer
// (docs/scaling.md). Each keeps copies in memory (the rows that check an opinion, public
// pages), so a change made through one must reach the others' copies: an official closes a
// consultation on one instance, and the next opinion sent to any instance is refused.
//
// Every store method that writes what is copied says so with changed, naming a topic. On
// PostgreSQL that also sends NOTIFY on changeChannel, in the transaction of the write, so
// the notice leaves only if the write commits, and when it does; each instance listens
// (ListenForChanges) and marks the topic changed in its caches, its own notices included.
// The instance that wrote also marks it at once, so its next request sees the change
// without waiting for the notice to come back. SQLite serves a single process.

// changeChannel is the PostgreSQL notification channel of cache topics.
const changeChannel = "gopy_changes"

// Versions says when each topic last changed, here or on another instance.
func (s *Store) Changes() *cache.Versions { return s.versions }

// changed tells every instance's caches that what the topics cover changed, once the
// write it follows is committed.
func (s *Store) changed(ctx context.Context, topics ...string) error {
	if s.dialect == Postgres {
		for _, t := range topics {
			if err := s.conn(ctx).Exec("SELECT pg_notify(?, ?)", changeChannel, t).Error; err != nil {
				return err
			}
		}
	}
	if t, _ := ctx.Value(txKey{}).(*txState); t != nil && t.owner == s {
		t.changed = append(t.changed, topics...)
		return nil
	}
	s.versions.Changed(topics...)
	return nil
}

// touched tells this instance's caches that a consultation has newer opinions, counts,
// answers, ratings or decisions, which a public page may show a moment late: the next view
// on this instance builds the page again while the others get the previous one. Other
// instances are not told (a notice per opinion would cost a round trip per opinion); their
// pages catch up within the freshness of their copies, a second.
func (s *Store) touched(ctx context.Context, consultationIDs ...int64) {
	// The lists of consultations show some of it too (charters in force on a unit's page).
	topics := []string{cache.TopicConsultations}
	for _, id := range consultationIDs {
		topics = append(topics, cache.TopicConsultation(id))
	}
	if t, _ := ctx.Value(txKey{}).(*txState); t != nil && t.owner == s {
		t.touched = append(t.touched, topics...)
		return
	}
	s.versions.Touched(topics...)
}

// touchedOpinion is touched for the consultation of an opinion.
func (s *Store) touchedOpinion(ctx context.Context, opinionID int64) error {
	var id int64
	if err := s.conn(ctx).Model(&domain.Opinion{}).Where("id = ?", opinionID).Pluck("consultation_id", &id).Error; err != nil {
		return err
	}
	s.touched(ctx, id)
	return nil
}

// listenRetry is how long the listener waits before connecting again. While it is not
// listening, notices from other instances may be missed: everything is marked changed at
// each attempt, so no copy outlives a missed change by more than this.
const listenRetry = 250 * time.Millisecond

// ListenForChanges receives the other instances' changes until ctx ends or the store is
// closed (PostgreSQL only; on SQLite it returns at once). The App runs it in its background
// group.
func (s *Store) ListenForChanges(ctx context.Context) {
	if s.dialect != Postgres {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	var warned time.Time
	for ctx.Err() == nil {
		err := s.listen(ctx)
		// Notices may have been missed between the connection's end and the next LISTEN.
		s.versions.ChangedAll()
		if ctx.Err() != nil {
			return
		}
		if time.Since(warned) > time.Minute { // once a minute while it lasts
			warned = time.Now()
			slog.WarnContext(ctx, "not listening for other instances' changes; copies in memory are kept briefly", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(listenRetry):
		}
	}
}

// listen holds one connection listening on changeChannel until it fails or ctx ends.
func (s *Store) listen(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, s.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changeChannel); err != nil {
		return err
	}
	// Changes committed before LISTEN took effect were not heard.
	s.versions.ChangedAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		s.versions.Changed(n.Payload)
	}
}

package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// publishedResults takes a new consultation of commune A to published results: the opinions
// are submitted, approved, the consultation closed, each opinion answered, the results
// published. The opinions are on the draft as a whole, never on an article, so no decision
// on an article is needed first.
func takeToResults(t *testing.T, f *testutil.Fixture, title string, opinions ...app.NewOpinion) (*domain.Consultation, []*domain.Opinion) {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{
		Title: title, Kind: "huong_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatalf("create consultation: %v", err)
	}
	if _, err := f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	var list []*domain.Opinion
	for _, in := range opinions {
		in.SectionID = nil
		r, err := f.App.SubmitOpinion(ctx, c.ID, in, "")
		if err != nil {
			t.Fatalf("submit %q: %v", in.Body, err)
		}
		if _, err := f.App.Moderate(ctx, f.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatalf("approve: %v", err)
		}
		list = append(list, r.Opinion)
	}
	f.CloseAtEnd(t, f.OfficialA, c)
	for _, o := range list {
		if _, err := f.App.Answer(ctx, f.OfficialA, c.ID, app.NewResponse{OpinionIDs: []int64{o.ID}, Kind: "noted",
			Text: "Xin ghi nhận ý kiến, thôn sẽ xem xét khi sửa hương ước."}); err != nil {
			t.Fatalf("answer: %v", err)
		}
	}
	if c, err = f.App.PublishResults(ctx, f.OfficialA, c.ID); err != nil {
		t.Fatalf("publish results: %v", err)
	}
	return c, list
}

func inboxOf(t *testing.T, f *testutil.Fixture, who *domain.Actor) []domain.Notification {
	t.Helper()
	list, _, err := f.App.Inbox(context.Background(), who, 1)
	if err != nil {
		t.Fatalf("inbox of %s: %v", who.Email, err)
	}
	return list
}

func unreadOf(t *testing.T, f *testutil.Fixture, who *domain.Actor) int64 {
	t.Helper()
	n, err := f.App.UnreadCount(context.Background(), who)
	if err != nil {
		t.Fatalf("unread of %s: %v", who.Email, err)
	}
	return n
}

func countTable(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.SQLDB().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestResultNoticesInInbox publishes results with mail off: each official of the commune,
// of a village in it, is told in their inbox, once, whatever retries; officials of another
// commune and staff in other roles are not; and each marks only their own notices read.
func TestResultNoticesInInbox(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		villageA1 := testutil.AddStaff(t, f, "official.a1@example.vn", "official", "A1")
		villageB1 := testutil.AddStaff(t, f, "official.b1@example.vn", "official", "B1")
		c, _ := takeToResults(t, f, "Dự thảo hương ước Thôn Một sửa đổi",
			app.NewOpinion{Stance: "agree", Body: "Tôi đồng ý với toàn bộ dự thảo."})

		if n := countTable(t, st, "outbox"); n != 0 {
			t.Fatalf("mail is off but %d messages were queued", n)
		}
		if n := countTable(t, st, "staff_notifications"); n != 2 {
			t.Fatalf("%d notices, want 2 (official of commune A and of village A1)", n)
		}
		for _, who := range []*domain.Actor{f.OfficialB, villageB1, f.ModeratorA, f.ObserverA, f.Admin} {
			if list := inboxOf(t, f, who); len(list) != 0 {
				t.Errorf("%s got %+v", who.Email, list)
			}
		}
		if n := unreadOf(t, f, villageA1); n != 1 {
			t.Errorf("official of village A1: %d unread", n)
		}
		list := inboxOf(t, f, f.OfficialA)
		if len(list) != 1 {
			t.Fatalf("official A's inbox: %+v", list)
		}
		n := list[0]
		if n.Kind != domain.NoticeResults || n.ConsultationID == nil || *n.ConsultationID != c.ID ||
			n.UnitID == nil || *n.UnitID != c.UnitID || n.ConsultationTitle != c.Title || n.ReadAt != nil ||
			n.DedupKey != fmt.Sprintf("results:%d:staff:%d", c.ID, f.OfficialA.StaffID) {
			t.Fatalf("notice %+v", n)
		}
		if unreadOf(t, f, f.OfficialA) != 1 {
			t.Fatal("the notice is not counted unread")
		}

		// Publishing again is refused, and the same notice told again is not stored twice.
		if _, err := f.App.PublishResults(ctx, f.OfficialA, c.ID); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("results published twice: %v", err)
		}
		again := n
		again.ID, again.ReadAt = 0, nil
		if created, err := st.AddNotification(ctx, &again); err != nil || created {
			t.Fatalf("the same notice again: created %v, %v", created, err)
		}
		if n := countTable(t, st, "staff_notifications"); n != 2 {
			t.Fatalf("%d notices after the retries", n)
		}

		// Someone else's notice is not found, and stays unread.
		for _, who := range []*domain.Actor{f.OfficialB, villageA1, f.Admin} {
			if err := f.App.MarkRead(ctx, who, n.ID); !domain.IsCode(err, domain.CodeNotFound) {
				t.Errorf("%s marked official A's notice: %v", who.Email, err)
			}
		}
		if marked, err := f.App.MarkAllRead(ctx, f.OfficialB); err != nil || marked != 0 {
			t.Errorf("official B marked %d, %v", marked, err)
		}
		if unreadOf(t, f, f.OfficialA) != 1 {
			t.Fatal("official A's notice was marked read by someone else")
		}
		if err := f.App.MarkRead(ctx, nil, n.ID); !domain.IsCode(err, domain.CodeUnauthorized) {
			t.Errorf("marked without an account: %v", err)
		}

		if err := f.App.MarkRead(ctx, f.OfficialA, n.ID); err != nil {
			t.Fatal(err)
		}
		if unreadOf(t, f, f.OfficialA) != 0 || inboxOf(t, f, f.OfficialA)[0].ReadAt == nil {
			t.Fatal("still unread after marking it read")
		}
		if err := f.App.MarkRead(ctx, f.OfficialA, n.ID); err != nil {
			t.Fatalf("marking a read notice again: %v", err)
		}
		if unreadOf(t, f, villageA1) != 1 {
			t.Fatal("official A's reading marked another's notice")
		}
		if marked, err := f.App.MarkAllRead(ctx, villageA1); err != nil || marked != 1 || unreadOf(t, f, villageA1) != 0 {
			t.Fatalf("mark all read: %d, %v", marked, err)
		}
	})
}

// TestInboxPages lists 20 notices a page, newest first.
func TestInboxPages(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
		for i := range 25 {
			if _, err := st.AddNotification(ctx, &domain.Notification{StaffID: f.OfficialA.StaffID, Kind: domain.NoticeResults,
				ConsultationID: &c.ID, DedupKey: fmt.Sprintf("test:%d", i), CreatedAt: start.Add(time.Duration(i) * time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		first, more, err := f.App.Inbox(ctx, f.OfficialA, 1)
		if err != nil || !more || len(first) != 20 {
			t.Fatalf("page 1: %d notices, more %v, %v", len(first), more, err)
		}
		if first[0].DedupKey != "test:24" || first[19].DedupKey != "test:5" || first[0].ConsultationTitle != c.Title {
			t.Fatalf("page 1 from %+v to %+v", first[0], first[19])
		}
		second, more, err := f.App.Inbox(ctx, f.OfficialA, 2)
		if err != nil || more || len(second) != 5 || second[4].DedupKey != "test:0" {
			t.Fatalf("page 2: %+v, more %v, %v", second, more, err)
		}
		if n := unreadOf(t, f, f.OfficialA); n != 25 {
			t.Fatalf("%d unread", n)
		}
	})
}

package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

func submit(t *testing.T, f *testutil.Fixture, c *domain.Consultation, body string) *domain.Opinion {
	t.Helper()
	r, err := f.App.SubmitOpinion(context.Background(), c.ID, app.NewOpinion{Stance: "disagree", Body: body}, "")
	if err != nil {
		t.Fatalf("submit %q: %v", body, err)
	}
	return r.Opinion
}

func decide(t *testing.T, f *testutil.Fixture, who *domain.Actor, id int64, d app.Decision) (*domain.Opinion, error) {
	t.Helper()
	return f.App.Moderate(context.Background(), who, id, d)
}

// TestAppealGoesToAnotherModerator follows a rejected author's appeal: once only, never
// decided by the moderator who rejected, and counted in the public statistics.
func TestAppealGoesToAnotherModerator(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		second := testutil.AddStaff(t, f, "moderator.a2@example.vn", "moderator", "A")
		c := f.OpenConsultation(t)
		o := submit(t, f, c, "Đề nghị bỏ quy định cấm thả rông gia súc vì nhà tôi chăn thả từ lâu.")
		if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "reject", Reason: "off_topic"}); err != nil {
			t.Fatal(err)
		}
		tracked, _ := f.App.Track(ctx, o.TrackingCode)
		if tracked.Opinion.RejectionReason != domain.ReasonOffTopic {
			t.Fatalf("the author does not see the reason: %+v", tracked.Opinion)
		}
		if _, err := f.App.Appeal(ctx, o.TrackingCode, "Ý kiến của tôi nói đúng về Điều 2 khoản 3."); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.Appeal(ctx, o.TrackingCode, "Tôi khiếu nại lần nữa."); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("second appeal: %v, want conflict", err)
		}

		// The rejecting moderator neither sees it in the queue nor can decide it.
		q, err := f.App.ModerationQueue(ctx, f.ModeratorA, app.QueueQuery{})
		if err != nil || len(q.Items) != 0 {
			t.Fatalf("rejecting moderator's queue: %d items, %v", len(q.Items), err)
		}
		if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); !domain.IsCode(err, domain.CodeForbidden) {
			t.Fatalf("rejecting moderator decided the appeal: %v", err)
		}
		q, err = f.App.ModerationQueue(ctx, second, app.QueueQuery{})
		if err != nil || len(q.Items) != 1 || q.Items[0].Appeal == nil || !strings.Contains(q.Items[0].Appeal.Text, "Điều 2") {
			t.Fatalf("other moderator's queue: %+v, %v", q, err)
		}
		got, err := decide(t, f, second, o.ID, app.Decision{Decision: "approve"})
		if err != nil || got.Status != domain.OpinionApproved {
			t.Fatalf("overturn: %+v %v", got, err)
		}
		stats, err := f.App.ModerationStats(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Received != 1 || stats.Approved != 1 || stats.Appealed != 1 || stats.Overturned != 1 || stats.Rejected != 0 {
			t.Fatalf("stats %+v", stats)
		}
		tracked, _ = f.App.Track(ctx, o.TrackingCode)
		if tracked.Appeal == nil || tracked.Appeal.Outcome != "overturned" {
			t.Fatalf("the author does not see the outcome: %+v", tracked.Appeal)
		}
	})
}

// TestModerationStatistics checks every public figure, the median included.
func TestModerationStatistics(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		start := time.Now()
		var ops []*domain.Opinion
		for _, body := range []string{"Ý kiến một về đường làng.", "Ý kiến hai về lễ hội.", "Quảng cáo bán hàng giá rẻ.", "Ý kiến bốn về việc tang.", "Ý kiến năm sẽ rút."} {
			ops = append(ops, submit(t, f, c, body))
		}
		// Decisions after 10, 20 and 30 minutes (the clock moves, submissions do not).
		for i, d := range []app.Decision{{Decision: "approve"}, {Decision: "approve"}, {Decision: "reject", Reason: "spam"}} {
			f.App.Now = func() time.Time { return start.Add(time.Duration(i+1) * 10 * time.Minute) }
			if _, err := decide(t, f, f.ModeratorA, ops[i].ID, d); err != nil {
				t.Fatal(err)
			}
		}
		f.App.Now = time.Now
		if _, err := decide(t, f, f.ModeratorA, ops[1].ID, app.Decision{Decision: "hide", Reason: "offensive"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.App.WithdrawOpinion(ctx, ops[4].TrackingCode); err != nil {
			t.Fatal(err)
		}
		s, err := f.App.ModerationStats(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Received != 5 || s.Pending != 1 || s.Approved != 1 || s.Rejected != 1 || s.RejectedBy[domain.ReasonSpam] != 1 ||
			s.Hidden != 1 || s.Withdrawn != 1 || s.MedianDecisionSeconds == nil {
			t.Fatalf("stats %+v", s)
		}
		if m := *s.MedianDecisionSeconds; m < 19*60 || m > 21*60 {
			t.Fatalf("median %d s, want about 20 minutes", m)
		}
	})
}

// TestHiddenOpinionLeavesAMarker checks that hiding needs a reason, stops the counting, and
// leaves a visible marker instead of a silent gap.
func TestHiddenOpinionLeavesAMarker(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		c := f.OpenConsultation(t)
		o := submit(t, f, c, "Ý kiến này sau sẽ bị gỡ.")
		if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "hide"}); !domain.IsCode(err, domain.CodeInvalid) {
			t.Fatalf("hide without reason: %v", err)
		}
		if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "reject", Reason: "spam"}); !domain.IsCode(err, domain.CodeConflict) {
			t.Fatalf("reject of a published opinion: %v, want conflict (hide it instead)", err)
		}
		if _, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "hide", Reason: "offensive"}); err != nil {
			t.Fatal(err)
		}
		list, _, err := f.App.ApprovedOpinions(ctx, c.ID, domain.SectionFilter{}, 1)
		if err != nil || len(list) != 1 || list[0].Status != domain.OpinionHidden || list[0].RejectionReason != domain.ReasonOffensive {
			t.Fatalf("public list: %+v %v", list, err)
		}
		sum, _ := f.App.Summary(ctx, c.ID)
		if sum.Total != 0 {
			t.Fatalf("a hidden opinion still counts: %+v", sum.Counts)
		}
	})
}

// TestPostModeration publishes at once and keeps the opinion in the queue until reviewed.
func TestPostModeration(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 40))
		c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{Title: "Kế hoạch làm đường", Kind: "plan", Topic: 1,
			UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes, Moderation: "post"})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
			t.Fatal(err)
		}
		keep := submit(t, f, c, "Nên làm đường trước mùa mưa.")
		drop := submit(t, f, c, "Nội dung quảng cáo vay tiền nhanh.")
		if keep.Status != domain.OpinionApproved {
			t.Fatalf("post-moderated opinion is %s, want published at once", keep.Status)
		}
		q, _ := f.App.ModerationQueue(ctx, f.ModeratorA, app.QueueQuery{})
		if len(q.Items) != 2 {
			t.Fatalf("queue has %d items, want both for review", len(q.Items))
		}
		if _, err := decide(t, f, f.ModeratorA, keep.ID, app.Decision{Decision: "approve"}); err != nil {
			t.Fatal(err)
		}
		if _, err := decide(t, f, f.ModeratorA, drop.ID, app.Decision{Decision: "reject", Reason: "spam"}); err != nil {
			t.Fatal(err)
		}
		q, _ = f.App.ModerationQueue(ctx, f.ModeratorA, app.QueueQuery{})
		if len(q.Items) != 0 {
			t.Fatalf("queue still has %d items", len(q.Items))
		}
		got, _ := st.OpinionByID(ctx, drop.ID)
		if got.Status != domain.OpinionHidden {
			t.Fatalf("rejected after publication: %s, want hidden (with its marker)", got.Status)
		}
	})
}

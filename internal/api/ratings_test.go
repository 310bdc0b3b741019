package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/config"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// resultsPublished makes a hương ước of commune A whose results are published: published 40
// days ago (so its legal minimum has run), one approved opinion on an article, closed with a
// reason, the opinion answered, the article decided. It returns the consultation and the
// opinion's tracking code.
func resultsPublished(t *testing.T, env *testutil.Env) (*domain.Consultation, *domain.Opinion) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c := env.OpenedDaysAgo(t, 40, 2)
	var article *int64
	for _, s := range c.Sections {
		if s.Commentable() {
			article = &s.ID
			break
		}
	}
	r, err := env.App.SubmitOpinion(ctx, c.ID, app.NewOpinion{Stance: "disagree", Body: "Đề nghị bỏ quy định này.",
		SectionID: article, VillageCode: "A1"}, "")
	must(err)
	_, err = env.App.Moderate(ctx, env.ModeratorA, r.Opinion.ID, app.Decision{Decision: "approve"})
	must(err)
	_, err = env.App.Close(ctx, env.OfficialA, c.ID, "Đã đủ ý kiến.")
	must(err)
	_, err = env.App.AnswerOpinion(ctx, env.OfficialA, r.Opinion.ID, app.NewResponse{Kind: "explained", Text: "Giữ nguyên vì đã thống nhất."})
	must(err)
	_, err = env.App.DecideArticle(ctx, env.OfficialA, c.ID, app.NewDecision{SectionID: *article, Decision: "kept", Reason: "Đa số đồng thuận với dự thảo."})
	must(err)
	c, err = env.App.PublishResults(ctx, env.OfficialA, c.ID)
	must(err)
	return c, r.Opinion
}

type ratingReceiptJSON struct {
	ConsultationID int64     `json:"consultation_id"`
	Score          int       `json:"score"`
	Comment        string    `json:"comment"`
	WithCode       bool      `json:"with_code"`
	Replaced       bool      `json:"replaced"`
	RatedAt        time.Time `json:"rated_at"`
}

func ratingsPath(id int64) string { return fmt.Sprintf("%s/consultations/%d/ratings", api, id) }

// TestRatings checks POST /consultations/{id}/ratings, the JSON twin of the satisfaction form
// (Law 10/2022 art. 35): only once the results are published, a score from 1 to 5, one
// rating per tracking code (a second replaces the first), the same messages as the form, and
// the form's per-address limit.
func TestRatings(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		env := testutil.StartServerWith(t, st, func(c *config.Config) { c.OpinionsPerHour = 6 })
		done, op := resultsPublished(t, env)
		open := env.OpenConsultation(t)
		draft := consultation(t, env, env.OfficialA, "A", "huong_uoc", "Dự thảo chưa niêm yết", true)
		c := anon(t, env)

		wantError(t, c.post(ratingsPath(open.ID), map[string]any{"score": 5}), http.StatusConflict, "conflict", "", "error.rating_before_results")
		wantError(t, c.post(ratingsPath(draft.ID), map[string]any{"score": 5}), http.StatusNotFound, "not_found", "", "")
		wantError(t, c.post(ratingsPath(999999), map[string]any{"score": 5}), http.StatusNotFound, "not_found", "", "")

		if msg := wantInvalid(t, c.post(ratingsPath(done.ID), map[string]any{"score": 6}), "score"); msg == "" {
			t.Error("no message on score")
		}
		wantInvalid(t, c.post(ratingsPath(done.ID), map[string]any{"score": 4, "tracking_code": "7K3M9-QXP2D"}), "tracking_code")

		r := decodeAs[ratingReceiptJSON](t, c.post(ratingsPath(done.ID), map[string]any{"score": 4, "comment": "Rõ ràng <b>dễ hiểu</b>"}), http.StatusCreated)
		if r.ConsultationID != done.ID || r.Score != 4 || r.Comment != "Rõ ràng dễ hiểu" || r.WithCode || r.Replaced {
			t.Errorf("anonymous rating: %+v", r)
		}
		if _, off := r.RatedAt.Zone(); off != 7*3600 {
			t.Errorf("rated_at %v is not in +07:00", r.RatedAt)
		}

		// A commenter's rating, given with the code as typed by hand; a second one replaces it.
		typed := strings.ToLower(strings.ReplaceAll(op.TrackingCode, "-", " "))
		r = decodeAs[ratingReceiptJSON](t, c.post(ratingsPath(done.ID), map[string]any{"score": 2, "tracking_code": typed}), http.StatusCreated)
		if !r.WithCode || r.Replaced || r.Score != 2 {
			t.Errorf("commenter's rating: %+v", r)
		}
		r = decodeAs[ratingReceiptJSON](t, c.post(ratingsPath(done.ID), map[string]any{"score": 5, "tracking_code": op.TrackingCode}), http.StatusCreated)
		if !r.WithCode || !r.Replaced || r.Score != 5 {
			t.Errorf("second rating with the code: %+v", r)
		}
		if n := testutil.CountRows(t, st, "satisfaction_ratings", fmt.Sprintf("consultation_id = %d", done.ID)); n != 2 {
			t.Errorf("%d ratings stored, want 2 (one anonymous, one per code)", n)
		}
		figures, err := env.App.Satisfaction(context.Background(), done.ID)
		if err != nil || figures.Count != 2 || figures.By[3] != 1 || figures.By[4] != 1 {
			t.Errorf("figures %+v (%v): want a 4 and a 5", figures, err)
		}

		// The form's limit per address: six ratings an hour here, refused ones included.
		res := c.post(ratingsPath(done.ID), map[string]any{"score": 3})
		for i := 0; i < 5 && res.Status != http.StatusTooManyRequests; i++ {
			res = c.post(ratingsPath(done.ID), map[string]any{"score": 3})
		}
		wantError(t, res, http.StatusTooManyRequests, "rate_limited", "", "error.rate_limited")
		if res.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	})
}

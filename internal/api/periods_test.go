package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/i18n"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// periodJSON is what a consultation says about the real end of its period.
type periodJSON struct {
	ID             int64      `json:"id"`
	Status         string     `json:"status"`
	Phase          string     `json:"phase"`
	ClosesAt       time.Time  `json:"closes_at"`
	ClosedAt       *time.Time `json:"closed_at"`
	ClosedEarly    bool       `json:"closed_early"`
	CloseReason    string     `json:"close_reason"`
	WithdrawnAt    *time.Time `json:"withdrawn_at"`
	WithdrawReason string     `json:"withdraw_reason"`
}

// local reads "2006-01-02 15:04" as a moment in Vietnam.
func local(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, domain.Zone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// clockAt gives env's App a clock the test sets, and returns the setter.
func clockAt(t *testing.T, env *testutil.Env, start string) func(string) {
	t.Helper()
	now := local(t, start)
	env.App.Now = func() time.Time { return now.UTC() }
	return func(s string) { now = local(t, s) }
}

// published creates a consultation of commune A with the given first and last days and
// publishes it at the App's present moment.
func published(t *testing.T, env *testutil.Env, kind, matter, first, last string) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(local(t, first+" 00:00"), local(t, last+" 00:00"))
	c, err := env.App.CreateConsultation(ctx, env.OfficialA, app.NewConsultation{
		Title: "Dự thảo " + kind, Kind: kind, Matter: matter, UnitCode: "A", Text: testutil.Draft,
		Topic:   testutil.TopicFor(kind, matter),
		OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if c, err = env.App.Publish(ctx, env.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

// TestClosingRespectsTheLegalMinimum walks the boundaries of the minimum period at the close,
// counted as publishing counts it: whole days from the later of opening and publication, the
// day of publication not counting, ending at local midnight (Civil Code art. 147–148).
func TestClosingRespectsTheLegalMinimum(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		official := as(t, env, env.OfficialA)
		closePath := func(id int64) string { return fmt.Sprintf("%s/consultations/%d/close", api, id) }

		// Decree 61/2023/NĐ-CP art. 9(1): a draft hương ước is posted for at least 30 days.
		t.Run("hương ước: 30 days, Decree 61 art. 9(1)", func(t *testing.T) {
			at := clockAt(t, env, "2026-12-01 09:00")
			c := published(t, env, "huong_uoc", "", "2026-12-01", "2027-01-05")

			// Pressed the same day it was published.
			e := wantError(t, official.post(closePath(c.ID), map[string]any{"reason": "Đủ ý kiến rồi."}), http.StatusConflict,
				"conflict", "", "error.close_too_early.charter", 30, 0, "01/01/2027")
			if !strings.Contains(e.Error.Message, "Điều 9, khoản 1") || !strings.Contains(e.Error.Message, "30 ngày") {
				t.Errorf("the refusal %q does not name the rule", e.Error.Message)
			}
			en := wantError(t, official.with("Accept-Language", "en").post(closePath(c.ID), nil), http.StatusConflict,
				"conflict", i18n.EN, "error.close_too_early.charter", 30, 0, "01/01/2027")
			if !strings.Contains(en.Error.Message, "Article 9(1)") {
				t.Errorf("English refusal %q does not name the rule", en.Error.Message)
			}
			// Day 1 is 2 December, the day after publication (Civil Code art. 147). During day 29
			// (30 December) 28 whole days have run, at its end 29: refused both times.
			at("2026-12-30 23:59")
			wantError(t, official.post(closePath(c.ID), map[string]any{"reason": "Đủ ý kiến rồi."}), http.StatusConflict,
				"conflict", "", "error.close_too_early.charter", 30, 28, "01/01/2027")
			at("2026-12-31 00:00")
			wantError(t, official.post(closePath(c.ID), map[string]any{"reason": "Đủ ý kiến rồi."}), http.StatusConflict,
				"conflict", "", "error.close_too_early.charter", 30, 29, "01/01/2027")
			// The last minute of day 30 (31 December): a period counted in days ends at the end
			// of its last day (art. 148), so 30 days have not yet run.
			at("2026-12-31 23:59")
			wantError(t, official.post(closePath(c.ID), map[string]any{"reason": "Đủ ý kiến rồi."}), http.StatusConflict,
				"conflict", "", "error.close_too_early.charter", 30, 29, "01/01/2027")
			// Day 30 over: 30 days have run, as for a period published with 31 December as its
			// last day. Allowed, but before the last day announced (5 January) only with a reason.
			at("2027-01-01 00:00")
			msg := wantInvalid(t, official.post(closePath(c.ID), nil), "reason")
			if want := i18n.T(i18n.VI, "validation.close_reason_required", "05/01/2027"); msg != want {
				t.Errorf("reason message %q, want %q", msg, want)
			}
			wantInvalid(t, official.post(closePath(c.ID), map[string]any{"reason": "   "}), "reason")
			if got := status(t, env, c.ID); got != domain.StatusOpen {
				t.Fatalf("refused closes left it %s", got)
			}
			at("2027-01-02 10:15")
			got := decodeAs[periodJSON](t, official.post(closePath(c.ID), map[string]any{"reason": "Thôn đã họp và thống nhất."}), http.StatusOK)
			want := local(t, "2027-01-02 10:15")
			if got.Status != "closed" || !got.ClosedEarly || got.ClosedAt == nil || !got.ClosedAt.Equal(want) ||
				got.CloseReason != "Thôn đã họp và thống nhất." {
				t.Errorf("closed: %+v, want closed early at %s with the reason", got, want)
			}
			// The public view says the same.
			pub := decodeAs[periodJSON](t, anon(t, env).get(fmt.Sprintf("%s/consultations/%d", api, c.ID)), http.StatusOK)
			if !pub.ClosedEarly || pub.ClosedAt == nil || !pub.ClosedAt.Equal(want) || pub.Phase != "ended" {
				t.Errorf("public view %+v", pub)
			}
			wantError(t, official.post(closePath(c.ID), map[string]any{"reason": "Lần nữa."}), http.StatusConflict, "conflict", "", "error.transition.closed")
			logged(t, env, c.ID, domain.StatusClosed, "Thôn đã họp và thống nhất.")
		})

		// Law 10/2022/QH15 art. 28(2): a matter put to the people is public for at least 20
		// days. Published the day before it opens, it counts from its first day.
		t.Run("consult matter: 20 days, Law art. 28(2)", func(t *testing.T) {
			at := clockAt(t, env, "2026-11-30 15:00")
			c := published(t, env, "plan", "consult", "2026-12-01", "2026-12-31")
			at("2026-12-20 23:00") // day 20 not over: 19 days
			e := wantError(t, official.post(closePath(c.ID), map[string]any{"reason": "Đủ ý kiến."}), http.StatusConflict,
				"conflict", "", "error.close_too_early.consult", 20, 19, "21/12/2026")
			if !strings.Contains(e.Error.Message, "Điều 28, khoản 2") {
				t.Errorf("the refusal %q does not name the rule", e.Error.Message)
			}
			at("2026-12-21 00:00") // 20 days
			wantInvalid(t, official.post(closePath(c.ID), nil), "reason")
			got := decodeAs[periodJSON](t, official.post(closePath(c.ID), map[string]any{"reason": "Đủ ý kiến."}), http.StatusOK)
			if !got.ClosedEarly || got.ClosedAt == nil || !got.ClosedAt.Equal(local(t, "2026-12-21 00:00")) {
				t.Errorf("closed: %+v", got)
			}
		})

		t.Run("after the last day no reason is needed", func(t *testing.T) {
			at := clockAt(t, env, "2026-12-01 09:00")
			c := published(t, env, "plan", "consult", "2026-12-01", "2026-12-31")
			at("2027-01-01 08:00")
			got := decodeAs[periodJSON](t, official.post(closePath(c.ID), nil), http.StatusOK)
			if got.Status != "closed" || got.ClosedEarly || got.CloseReason != "" {
				t.Errorf("closed on time: %+v", got)
			}
		})
	})
}

// TestWithdraw: a draft withdrawn with a reason (status withdrawn), from draft, open or
// closed, never after its results.
func TestWithdraw(t *testing.T) {
	eachServer(t, func(t *testing.T, env *testutil.Env) {
		official := as(t, env, env.OfficialA)
		path := func(id int64) string { return fmt.Sprintf("%s/consultations/%d/withdraw", api, id) }
		public := func(id int64) string { return fmt.Sprintf("%s/consultations/%d", api, id) }

		open := env.OpenConsultation(t)
		wantInvalid(t, official.post(path(open.ID), nil), "reason")
		wantInvalid(t, official.post(path(open.ID), map[string]any{"reason": ""}), "reason")
		wantError(t, anon(t, env).post(path(open.ID), map[string]any{"reason": "x"}), http.StatusUnauthorized, "unauthorized", "", "")
		wantError(t, as(t, env, env.OfficialB).post(path(open.ID), map[string]any{"reason": "x"}), http.StatusForbidden, "forbidden", "", "")
		got := decodeAs[periodJSON](t, official.post(path(open.ID), map[string]any{"reason": "Sai số liệu <b>dân số</b>."}), http.StatusOK)
		if got.Status != "withdrawn" || got.WithdrawnAt == nil || got.WithdrawReason != "Sai số liệu dân số." {
			t.Errorf("withdrawn: %+v", got)
		}
		pub := decodeAs[periodJSON](t, anon(t, env).get(public(open.ID)), http.StatusOK)
		if pub.Status != "withdrawn" || pub.Phase != "withdrawn" || pub.WithdrawReason != "Sai số liệu dân số." {
			t.Errorf("public view %+v", pub)
		}
		listed := decodeAs[list[consultationJSON]](t, anon(t, env).get(api+"/consultations"), http.StatusOK)
		if slices.Contains(ids(listed.Items), open.ID) {
			t.Errorf("a withdrawn draft is still listed")
		}
		wantError(t, anon(t, env).post(opinionsPath(open.ID), opinion("agree", "Vẫn góp ý.")), http.StatusConflict, "conflict", "", "")
		wantError(t, official.post(path(open.ID), map[string]any{"reason": "Lần nữa."}), http.StatusConflict, "conflict", "", "error.transition.withdrawn")
		logged(t, env, open.ID, domain.StatusWithdrawn, "Sai số liệu dân số.")

		// A draft never published stays out of sight.
		draft := consultation(t, env, env.OfficialA, "A", "plan", "Chưa công bố", true)
		decodeAs[periodJSON](t, official.post(path(draft.ID), map[string]any{"reason": "Không cần lấy ý kiến nữa."}), http.StatusOK)
		wantError(t, anon(t, env).get(public(draft.ID)), http.StatusNotFound, "not_found", "", "")

		// A closed one may be withdrawn; one whose results are out may not.
		closed := env.CloseAtEnd(t, env.OfficialA, env.OpenConsultation(t))
		decodeAs[periodJSON](t, official.post(path(closed.ID), map[string]any{"reason": "Dự thảo phải soạn lại."}), http.StatusOK)
		done := env.CloseAtEnd(t, env.OfficialA, env.OpenConsultation(t))
		if _, err := env.App.PublishResults(context.Background(), env.OfficialA, done.ID); err != nil {
			t.Fatal(err)
		}
		wantError(t, official.post(path(done.ID), map[string]any{"reason": "Muộn rồi."}), http.StatusConflict, "conflict", "", "error.transition.withdrawn")
	})
}

func status(t *testing.T, env *testutil.Env, id int64) domain.Status {
	t.Helper()
	c, err := env.Store.ConsultationByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// logged checks that the last status change of a consultation is in its events with the
// reason, and in the audit log.
func logged(t *testing.T, env *testutil.Env, id int64, to domain.Status, reason string) {
	t.Helper()
	ctx := context.Background()
	events, err := env.Store.ConsultationEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 || events[len(events)-1].ToStatus != to || events[len(events)-1].Reason != reason {
		t.Errorf("events %+v: want the last to %s with reason %q", events, to, reason)
	}
	entries, _, err := env.Store.AuditEntries(ctx, store.AuditFilter{Page: 1, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	action := map[domain.Status]string{domain.StatusClosed: "consultation.close", domain.StatusWithdrawn: "consultation.withdraw"}[to]
	for _, e := range entries {
		if e.Action == action && e.TargetID != nil && *e.TargetID == id && e.Detail == reason {
			return
		}
	}
	t.Errorf("no audit entry %s for consultation %d with %q", action, id, reason)
}

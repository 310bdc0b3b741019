package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
	"github.com/gopy-vn/gopy/internal/testutil"
)

// refuseAudit makes the database refuse every audit entry of the given actions, as a full
// disk or a broken table would, by a trigger on the audit log; no actions removes it.
func refuseAudit(t *testing.T, st *store.Store, actions ...string) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{"DROP TRIGGER IF EXISTS audit_refused"}
	if st.Dialect() == store.Postgres {
		stmts = []string{"DROP TRIGGER IF EXISTS audit_refused ON audit_log", `CREATE OR REPLACE FUNCTION audit_refused() RETURNS trigger
			LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$`}
	}
	if len(actions) > 0 {
		in := "'" + strings.Join(actions, "', '") + "'"
		if st.Dialect() == store.Postgres {
			stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log FOR EACH ROW
				WHEN (NEW.action IN (%s)) EXECUTE FUNCTION audit_refused()`, in))
		} else {
			stmts = append(stmts, fmt.Sprintf(`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log
				WHEN NEW.action IN (%s) BEGIN SELECT RAISE(ABORT, 'audit log refused'); END`, in))
		}
	}
	for _, q := range stmts {
		if _, err := st.SQLDB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// wantInternal checks that a refused audit entry reaches the staff member as the usual
// internal error (a 500), its cause kept for the log only.
func wantInternal(t *testing.T, what string, err error) {
	t.Helper()
	if !domain.IsCode(err, domain.CodeInternal) {
		t.Fatalf("%s with its audit entry refused: %v, want an internal error", what, err)
	}
}

// TestActionWithoutAuditEntryDoesNotHappen refuses the audit entry of one staff action after
// another and checks that the action was undone with it: an action the audit log does not
// show did not happen. Once the entry is accepted again, the same action goes through.
func TestActionWithoutAuditEntryDoesNotHappen(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		open := f.OpenConsultation(t)

		t.Run("publish", func(t *testing.T) {
			opens, closes := domain.PeriodFromDates(f.App.Now(), f.App.Now().AddDate(0, 0, 35))
			c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{
				Title: "Dự thảo quy ước Thôn Hai", Kind: "quy_uoc", UnitCode: "A", Text: testutil.Draft, OpensAt: opens, ClosesAt: closes,
			})
			if err != nil {
				t.Fatal(err)
			}
			refuseAudit(t, st, "consultation.publish")
			_, err = f.App.Publish(ctx, f.OfficialA, c.ID)
			wantInternal(t, "publish", err)
			got, err := f.App.OverseenConsultation(ctx, f.OfficialA, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != domain.StatusDraft || got.PublishedAt != nil {
				t.Errorf("consultation %s, published at %v; want still a draft", got.Status, got.PublishedAt)
			}
			if n := testutil.CountRows(t, st, "consultation_events", "consultation_id = $1", c.ID); n != 0 {
				t.Errorf("%d status changes logged for a publication that did not happen", n)
			}
			refuseAudit(t, st)
			if got, err := f.App.Publish(ctx, f.OfficialA, c.ID); err != nil || got.Status != domain.StatusOpen {
				t.Fatalf("publish once the audit log accepts it: %v", err)
			}
			if n := testutil.CountRows(t, st, "audit_log", "action = 'consultation.publish' AND target_id = $1", c.ID); n != 1 {
				t.Errorf("%d audit entries of the publication, want 1", n)
			}
		})

		t.Run("moderation", func(t *testing.T) {
			o := submit(t, f, open, "Đề nghị giữ nguyên quy định về việc cưới.")
			refuseAudit(t, st, "opinion.approve")
			_, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "approve"})
			wantInternal(t, "approve", err)
			got, err := st.OpinionByID(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != domain.OpinionPending || got.ReviewedAt != nil {
				t.Errorf("opinion %s, reviewed at %v; want still pending", got.Status, got.ReviewedAt)
			}
			if n := testutil.CountRows(t, st, "moderation_events", "opinion_id = $1", o.ID); n != 0 {
				t.Errorf("%d moderation decisions logged for one that did not happen", n)
			}
			refuseAudit(t, st)
			if got, err := decide(t, f, f.ModeratorA, o.ID, app.Decision{Decision: "approve"}); err != nil || got.Status != domain.OpinionApproved {
				t.Fatalf("approve once the audit log accepts it: %v", err)
			}
		})

		t.Run("new account", func(t *testing.T) {
			in := app.NewStaff{Email: "can.bo.moi@example.vn", Name: "Cán bộ mới", Role: "moderator", UnitCode: "A", Password: testutil.Password}
			refuseAudit(t, st, "staff.create")
			_, err := f.App.CreateStaffAs(ctx, f.Admin, in)
			wantInternal(t, "create an account", err)
			if n := testutil.CountRows(t, st, "staff", "email = $1", in.Email); n != 0 {
				t.Errorf("the account was created without its audit entry")
			}
			if n := testutil.CountRows(t, st, "staff_roles", "staff_id NOT IN (SELECT id FROM staff)"); n != 0 {
				t.Errorf("%d roles left without an account", n)
			}
			refuseAudit(t, st)
			if _, err := f.App.CreateStaffAs(ctx, f.Admin, in); err != nil {
				t.Fatalf("create once the audit log accepts it: %v", err)
			}
		})

		t.Run("offline entry", func(t *testing.T) {
			// An entry with a consent is written in a transaction of its own inside the
			// use case's: the two are one, and the entry does not pass through the batched
			// writer, whose connection would wait for this transaction's lock on SQLite.
			in := app.NewOpinion{Stance: "agree", Body: "Ý kiến gọi điện của bà Lan: đồng ý.", Channel: "phone",
				AuthorName: "Nguyễn Thị Lan", ShowName: true}
			refuseAudit(t, st, "opinion.offline")
			_, err := f.App.EnterOfflineOpinion(ctx, f.OfficialA, open.ID, in, "phone-1")
			wantInternal(t, "enter an offline opinion", err)
			if n := testutil.CountRows(t, st, "opinions", "channel = 'phone'"); n != 0 {
				t.Errorf("the entry was stored without its audit entry")
			}
			if n := testutil.CountRows(t, st, "consents", "opinion_id NOT IN (SELECT id FROM opinions)"); n != 0 {
				t.Errorf("%d consents left without their opinion", n)
			}
			refuseAudit(t, st)
			r, err := f.App.EnterOfflineOpinion(ctx, f.OfficialA, open.ID, in, "phone-1")
			if err != nil || !r.Created {
				t.Fatalf("enter once the audit log accepts it: %v", err)
			}
			if n := testutil.CountRows(t, st, "audit_log", "action = 'opinion.offline' AND target_id = $1", r.Opinion.ID); n != 1 {
				t.Errorf("%d audit entries of the entry, want 1", n)
			}
		})
	})
}

// TestLoginAudit: a login the audit log cannot record is refused, while a failed login is
// refused whether or not its entry is written, and its entry is written when it can be.
func TestLoginAudit(t *testing.T) {
	t.Parallel()
	testutil.EachDB(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := testutil.Seed(t, st)
		email := f.OfficialA.Email

		if _, err := f.App.Login(ctx, email, "không phải mật khẩu"); !domain.IsCode(err, domain.CodeUnauthorized) {
			t.Fatalf("wrong password: %v", err)
		}
		if n := testutil.CountRows(t, st, "audit_log", "action = 'login.failed' AND actor_id = $1", f.OfficialA.StaffID); n != 1 {
			t.Errorf("%d entries of the failed login, want 1", n)
		}

		refuseAudit(t, st, "login", "login.failed")
		if _, err := f.App.Login(ctx, email, "không phải mật khẩu"); !domain.IsCode(err, domain.CodeUnauthorized) {
			t.Errorf("wrong password, its entry refused: %v, want the same refusal", err)
		}
		actor, err := f.App.Login(ctx, email, testutil.Password)
		wantInternal(t, "login", err)
		if actor != nil {
			t.Errorf("a login the audit log could not record returned its actor")
		}

		refuseAudit(t, st)
		if _, err := f.App.Login(ctx, email, testutil.Password); err != nil {
			t.Fatalf("login once the audit log accepts it: %v", err)
		}
		if n := testutil.CountRows(t, st, "audit_log", "action = 'login' AND actor_id = $1", f.OfficialA.StaffID); n != 1 {
			t.Errorf("%d login entries, want 1", n)
		}
	})
}

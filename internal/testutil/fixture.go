package testutil

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/store"
)

// Password is the password of every fixture account.
const Password = "mật khẩu thử nghiệm"

// Fixture is a small unit tree with staff: province P; commune A with villages A1 and A2;
// commune B with village B1. Each staff member's role covers the unit named in the field.
type Fixture struct {
	App        *app.App
	Store      *store.Store  // the database under App, for tests that check what it holds
	OfficialA  *domain.Actor // official of commune A
	OfficialB  *domain.Actor // official of commune B
	ModeratorA *domain.Actor // moderator of commune A
	ObserverA  *domain.Actor // observer of commune A
	FrontA     *domain.Actor // Fatherland Front committee of commune A
	Admin      *domain.Actor // admin of the province
}

// Seed fills st with the fixture. Its App hashes passwords with auth.TestParams, and every
// fixture account shares one hash of Password, made once per process.
func Seed(t testing.TB, st *store.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	a := app.New(st, app.WithPasswordParams(auth.TestParams))
	// Registered after the store's Close (NewStore), so it runs before it: the background
	// work ends before the pool closes, as in the server.
	t.Cleanup(a.Shutdown)
	ids := map[string]int64{}
	for _, u := range []struct {
		code, name, parent string
		kind               domain.UnitKind
		households         int
	}{
		{"P", "Tỉnh Thử", "", domain.UnitProvince, 0},
		{"A", "Xã An Bình", "P", domain.UnitCommune, 0},
		{"A1", "Thôn Một", "A", domain.UnitVillage, 120},
		{"A2", "Thôn Hai", "A", domain.UnitVillage, 80},
		{"B", "Xã Bắc Sơn", "P", domain.UnitCommune, 0},
		{"B1", "Bản Nà", "B", domain.UnitVillage, 60},
	} {
		unit := &domain.Unit{Code: u.code, Name: u.name, Kind: u.kind, Households: u.households, CreatedAt: time.Now().UTC()}
		if u.parent != "" {
			p := ids[u.parent]
			unit.ParentID = &p
		}
		if err := st.CreateUnit(ctx, unit); err != nil {
			t.Fatalf("unit %s: %v", u.code, err)
		}
		ids[u.code] = unit.ID
	}
	f := &Fixture{App: a, Store: st}
	for _, s := range []struct {
		email, role, unit string
		into              **domain.Actor
	}{
		{"official.a@example.vn", "official", "A", &f.OfficialA},
		{"official.b@example.vn", "official", "B", &f.OfficialB},
		{"moderator.a@example.vn", "moderator", "A", &f.ModeratorA},
		{"observer.a@example.vn", "observer", "A", &f.ObserverA},
		{"front.a@example.vn", "front", "A", &f.FrontA},
		{"admin@example.vn", "admin", "P", &f.Admin},
	} {
		staff := &domain.Staff{Email: s.email, Name: "Cán bộ " + s.role, PasswordHash: passwordHash(t), CreatedAt: time.Now().UTC()}
		if err := st.CreateStaff(ctx, staff, []domain.RoleAssignment{{Role: domain.Role(s.role), UnitID: ids[s.unit]}}); err != nil {
			t.Fatalf("staff %s: %v", s.email, err)
		}
		var err error
		if *s.into, err = a.ActorByID(ctx, staff.ID); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// passwordHash is the hash of Password that every fixture account shares.
var passwordHash = func() func(t testing.TB) string {
	h := sync.OnceValues(func() (string, error) { return auth.TestParams.Hash(Password) })
	return func(t testing.TB) string {
		hash, err := h()
		if err != nil {
			t.Fatal(err)
		}
		return hash
	}
}()

// Draft is a short hương ước used across tests.
const Draft = `Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Hương ước này áp dụng trong thôn.
Chương II
NỘI DUNG
Điều 2. Vệ sinh môi trường
1. Mỗi hộ phân loại rác tại nguồn.
2. Tổng vệ sinh vào chủ nhật cuối tháng.
Điều 5. Việc cưới
Tổ chức cưới tiết kiệm, không quá một ngày.`

// OpenConsultation creates and publishes a 30-day hương ước of commune A and returns it.
func (f *Fixture) OpenConsultation(t testing.TB) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, 35))
	c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{
		Title: "Dự thảo hương ước Thôn Một", Kind: "huong_uoc", UnitCode: "A", Text: Draft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatalf("create consultation: %v", err)
	}
	if c, err = f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

// Section returns the section of c with the given path.
func Section(t testing.TB, c *domain.Consultation, path string) *domain.Section {
	t.Helper()
	for i := range c.Sections {
		if c.Sections[i].Path == path {
			return &c.Sections[i]
		}
	}
	t.Fatalf("no section %q", path)
	return nil
}

// AddStaff creates one more account with a role over a unit, and returns its actor.
func AddStaff(t testing.TB, f *Fixture, email, role, unit string) *domain.Actor {
	t.Helper()
	ctx := context.Background()
	st, err := f.App.CreateStaff(ctx, app.NewStaff{Email: email, Name: "Cán bộ " + email, Role: role, UnitCode: unit, Password: Password})
	if err != nil {
		t.Fatalf("staff %s: %v", email, err)
	}
	a, err := f.App.ActorByID(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// CloseAtEnd closes c as its official does once its period has run out: at the midnight
// after its last day, when the law asks for no reason (closing earlier is refused until
// the legal minimum has run, and needs a reason after it). The App's clock is moved there
// for the close only, so closed_at lies in the future of the test's own clock.
func (f *Fixture) CloseAtEnd(t testing.TB, who *domain.Actor, c *domain.Consultation) *domain.Consultation {
	t.Helper()
	now := f.App.Now
	f.App.Now = func() time.Time { return c.ClosesAt.UTC() }
	defer func() { f.App.Now = now }()
	closed, err := f.App.Close(context.Background(), who, c.ID, "")
	if err != nil {
		t.Fatalf("close %q: %v", c.Title, err)
	}
	return closed
}

// OpenedDaysAgo creates and publishes a hương ước of commune A as if published `ago` days
// before now (its first day that day), with its last day `left` days after today. Past 30
// days its legal minimum has run, so it may be closed now: with a reason while left >= 0.
// The App's clock is moved back for the creation and publication only.
func (f *Fixture) OpenedDaysAgo(t testing.TB, ago, left int) *domain.Consultation {
	t.Helper()
	ctx := context.Background()
	now := f.App.Now
	then := now().AddDate(0, 0, -ago)
	f.App.Now = func() time.Time { return then }
	defer func() { f.App.Now = now }()
	opens, closes := domain.PeriodFromDates(then, now().AddDate(0, 0, left))
	c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{
		Title: "Dự thảo hương ước đã niêm yết", Kind: "huong_uoc", UnitCode: "A", Text: Draft, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		t.Fatalf("create consultation: %v", err)
	}
	if c, err = f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

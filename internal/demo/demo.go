// Package demo loads example data so a new user sees a working portal at once: an example
// province, a commune with four villages, an open draft hương ước of one village split into
// articles, a few opinions, and staff accounts with fresh random passwords. The names are
// examples, not real administrative units.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/auth"
	"github.com/gopy-vn/gopy/internal/domain"
)

// Login is a demo staff account and its one-time password.
type Login struct {
	Role     string
	Email    string
	Password string
}

type unitSpec struct {
	code, name, parent string
	kind               domain.UnitKind
	households         int
}

var units = []unitSpec{
	{"VD", "Tỉnh Ví Dụ (dữ liệu mẫu)", "", domain.UnitProvince, 0},
	{"VD-HB", "Xã Hòa Bình (dữ liệu mẫu)", "VD", domain.UnitCommune, 0},
	{"VD-HB-DONG", "Thôn Đông", "VD-HB", domain.UnitVillage, 182},
	{"VD-HB-TAY", "Thôn Tây", "VD-HB", domain.UnitVillage, 145},
	{"VD-HB-NAM", "Thôn Nam", "VD-HB", domain.UnitVillage, 210},
	{"VD-HB-BAC", "Thôn Bắc", "VD-HB", domain.UnitVillage, 98},
}

// HuongUocUnit is the village whose charter the demo consults on.
const HuongUocUnit = "VD-HB-DONG"

// HuongUoc is the example draft village charter.
const HuongUoc = `HƯƠNG ƯỚC THÔN ĐÔNG
Xã Hòa Bình (dự thảo lấy ý kiến nhân dân)

Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15;
Căn cứ Nghị định số 61/2023/NĐ-CP về xây dựng và thực hiện hương ước, quy ước của cộng đồng dân cư.

Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Hương ước này quy định về giữ gìn an ninh trật tự, vệ sinh môi trường, nếp sống văn minh trong việc cưới, việc tang và lễ hội của Thôn Đông.

Điều 2. Đối tượng áp dụng
Hương ước áp dụng với mọi hộ gia đình và cá nhân sinh sống, làm việc trên địa bàn thôn.

Chương II
NỘI DUNG CỤ THỂ

Điều 3. Giữ gìn vệ sinh môi trường
1. Mỗi hộ gia đình phân loại rác tại nguồn và đổ rác đúng giờ, đúng nơi quy định.
2. Ngày chủ nhật cuối tháng, mỗi hộ cử một người tham gia tổng vệ sinh đường làng, ngõ xóm.
3. Không thả rông gia súc, gia cầm trên đường làng.

Điều 4. Việc cưới
1. Tổ chức cưới trang trọng, tiết kiệm, không kéo dài quá một ngày.
2. Không sử dụng loa đài công suất lớn sau 22 giờ.

Điều 5. Việc tang
1. Tổ chức tang lễ chu đáo, tiết kiệm, không rải vàng mã trên đường.
2. Khuyến khích hỏa táng và an táng tại nghĩa trang của xã.

Chương III
TỔ CHỨC THỰC HIỆN

Điều 6. Khen thưởng và xử lý vi phạm
1. Hộ gia đình thực hiện tốt hương ước được biểu dương tại hội nghị định kỳ của cộng đồng dân cư cuối năm.
2. Hộ gia đình vi phạm bị nhắc nhở tại cuộc họp của cộng đồng dân cư; vi phạm nhiều lần thì báo cáo Ủy ban nhân dân xã xem xét.
`

// Load fills an empty database with the demo data and returns the demo logins. It refuses to
// run on a database that already has units.
func Load(ctx context.Context, a *app.App) ([]Login, error) {
	empty, err := a.IsEmpty(ctx)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, fmt.Errorf("the database already has units; demo data goes only into an empty database")
	}
	now := a.Now()
	ids := map[string]int64{}
	for _, u := range units {
		unit := &domain.Unit{Code: u.code, Name: u.name, Kind: u.kind, Households: u.households, CreatedAt: now}
		if u.parent != "" {
			p := ids[u.parent]
			unit.ParentID = &p
		}
		if err := a.CreateUnit(ctx, unit); err != nil {
			return nil, err
		}
		ids[u.code] = unit.ID
	}

	var logins []Login
	for _, s := range []struct{ role, email, name string }{
		{"admin", "admin@example.vn", "Quản trị (mẫu)"},
		{"official", "canbo@example.vn", "Cán bộ xã (mẫu)"},
		{"moderator", "kiemduyet@example.vn", "Kiểm duyệt viên (mẫu)"},
		{"observer", "giamsat@example.vn", "Ban Thanh tra nhân dân (mẫu)"},
		{"front", "mattran@example.vn", "Ủy ban Mặt trận Tổ quốc xã (mẫu)"},
	} {
		pw := auth.RandomPassword()
		unit := "VD-HB"
		if s.role == "admin" {
			unit = "VD"
		}
		if _, err := a.CreateStaff(ctx, app.NewStaff{Email: s.email, Name: s.name, Role: s.role, UnitCode: unit, Password: pw}); err != nil {
			return nil, err
		}
		logins = append(logins, Login{Role: s.role, Email: s.email, Password: pw})
	}

	official, err := actor(ctx, a, "canbo@example.vn")
	if err != nil {
		return nil, err
	}
	moderator, err := actor(ctx, a, "kiemduyet@example.vn")
	if err != nil {
		return nil, err
	}
	opens, closes := domain.PeriodFromDates(now.AddDate(0, 0, -3), now.AddDate(0, 0, 30))
	// A hương ước is the charter of one community (Decree 61/2023 art. 2): Thôn Đông's is
	// Thôn Đông's, drafted and adopted by its households, not the whole commune's.
	c, err := a.CreateConsultation(ctx, official, app.NewConsultation{
		Title: "Dự thảo Hương ước Thôn Đông", Kind: string(domain.KindHuongUoc), UnitCode: HuongUocUnit,
		Summary: "Thôn Đông lấy ý kiến bà con về dự thảo hương ước mới: vệ sinh môi trường, việc cưới, việc tang. " +
			"Mời bà con đọc từng điều và góp ý.",
		Text: HuongUoc, OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		return nil, err
	}
	// The demo period started three days ago.
	if c, err = a.PublishBackdated(ctx, official, c.ID, opens); err != nil {
		return nil, err
	}
	// Who proposed the charter and who drafted it (Decree 61/2023 art. 7-8).
	day := func(n int) string { return now.AddDate(0, 0, n).In(domain.Zone).Format(time.DateOnly) }
	if _, err := a.RecordCharterDrafting(ctx, official, c.ID, app.CharterInput{
		ProposedBy: "Hội nghị Thôn Đông", ProposedOn: day(-30), Proposal: "Xây dựng hương ước mới thay hương ước năm 2015.",
		TeamFormedOn: day(-25), LeaderName: "Trưởng thôn Đông (mẫu)", FrontHeadName: "Trưởng ban công tác Mặt trận thôn (mẫu)",
		Members: "Đại diện Chi hội Phụ nữ (mẫu)\nĐại diện Chi đoàn Thanh niên (mẫu)\nNgười có uy tín trong thôn (mẫu)",
	}); err != nil {
		return nil, err
	}
	article := func(path string) *int64 {
		for _, s := range c.Sections {
			if s.Path == path {
				return &s.ID
			}
		}
		return nil
	}
	samples := []struct {
		section       *int64
		stance, body  string
		name, village string
		approve       bool
	}{
		{article("c2.d3"), "agree", "Tôi đồng ý phân loại rác tại nguồn. Đề nghị thôn đặt thêm thùng rác ở đầu ngõ 5.", "Nguyễn Văn An", HuongUocUnit, true},
		{article("c2.d4"), "disagree", "Quy định cưới không quá một ngày là khó với các gia đình có họ hàng ở xa. Nên cho phép hai ngày.", "", HuongUocUnit, true},
		{article("c2.d5"), "other", "Nghĩa trang của xã còn xa, đề nghị làm đường vào trước khi khuyến khích an táng tại đó.", "Trần Thị Bình", HuongUocUnit, true},
		{nil, "agree", "Dự thảo viết dễ hiểu, bà con trong xóm đều đồng tình.", "", "", true},
		{article("c2.d4"), "agree", "Đồng ý không dùng loa công suất lớn sau 22 giờ, trẻ nhỏ cần ngủ.", "", HuongUocUnit, false},
	}
	for _, s := range samples {
		r, err := a.SubmitOpinion(ctx, c.ID, app.NewOpinion{
			SectionID: s.section, Stance: s.stance, Body: s.body, AuthorName: s.name, ShowName: s.name != "", VillageCode: s.village,
		}, "")
		if err != nil {
			return nil, err
		}
		if s.approve {
			if _, err := a.Moderate(ctx, moderator, r.Opinion.ID, app.Decision{Decision: "approve"}); err != nil {
				return nil, err
			}
		}
	}
	if err := disclosures(ctx, a, official, now); err != nil {
		return nil, err
	}
	if err := recognisedCharter(ctx, a, official, ids["VD-HB-BAC"]); err != nil {
		return nil, fmt.Errorf("demo charter: %w", err)
	}
	if err := initiatives(ctx, a, official, moderator); err != nil {
		return nil, err
	}
	if err := loadDialogues(ctx, a, official, moderator); err != nil {
		return nil, err
	}
	if err := consultMatter(ctx, a, official, moderator); err != nil {
		return nil, err
	}
	return logins, nil
}

// disclosures enters a few postings of the commune's register (Law 10/2022 art. 11–13): one
// posted now, one posted late (more than 5 working days after its document), one whose
// posting has ended.
func disclosures(ctx context.Context, a *app.App, official *domain.Actor, now time.Time) error {
	d := func(days int) string { return now.AddDate(0, 0, days).In(domain.Zone).Format(time.DateOnly) }
	for _, in := range []app.DisclosureInput{
		{UnitCode: "VD-HB", Category: 2, Title: "Dự toán ngân sách xã năm 2027",
			Body:      "Dự toán thu, chi ngân sách xã năm 2027 đã được Hội đồng nhân dân xã quyết định tại kỳ họp cuối năm.",
			DocNumber: "25/NQ-HĐND", DocDate: d(-4), DocIssuer: "Hội đồng nhân dân xã", PostedFrom: d(-2), PostedUntil: d(28),
			Forms: []string{"notice_board", "portal", "loudspeaker"}},
		{UnitCode: "VD-HB", Category: 7, Title: "Mức thu phí vệ sinh môi trường năm 2027",
			Body:      "Mức thu phí thu gom rác thải sinh hoạt đối với hộ gia đình và hộ kinh doanh trên địa bàn xã.",
			DocNumber: "112/QĐ-UBND", DocDate: d(-20), DocIssuer: "Ủy ban nhân dân xã", PostedFrom: d(-5), PostedUntil: d(25),
			Forms: []string{"notice_board", "village_head"}},
		{UnitCode: HuongUocUnit, Category: 5, Title: "Công khai thu chi quỹ thôn quý III",
			Body:      "Tổng thu, tổng chi và số dư quỹ thôn trong quý III, kèm danh sách các khoản đóng góp tự nguyện.",
			DocNumber: "03/BC-BQL", DocDate: d(-70), DocIssuer: "Ban quản lý thôn", PostedFrom: d(-68), PostedUntil: d(-36),
			Forms: []string{"notice_board", "village_head"}},
	} {
		if _, err := a.CreateDisclosure(ctx, official, in); err != nil {
			return err
		}
	}
	return nil
}

// recognisedCharter gives Thôn Bắc a quy ước consulted on, adopted by its households and
// recognised by the commune two months ago (Decree 61/2023 art. 9-11), sent to the village
// and the commune's Front, so the charter reports, the feed and the unit page have one in
// force. The App's clock is moved back for each step and restored after.
func recognisedCharter(ctx context.Context, a *app.App, official *domain.Actor, villageID int64) error {
	now := a.Now
	defer func() { a.Now = now }()
	start := now()
	at := func(days int) { t := start.AddDate(0, 0, days); a.Now = func() time.Time { return t } }
	day := func(days int) string { return start.AddDate(0, 0, days).In(domain.Zone).Format(time.DateOnly) }
	at(-80)
	opens, closes := domain.PeriodFromDates(start.AddDate(0, 0, -80), start.AddDate(0, 0, -46))
	c, err := a.CreateConsultation(ctx, official, app.NewConsultation{
		Title: "Quy ước Thôn Bắc", Kind: string(domain.KindQuyUoc), UnitCode: "VD-HB-BAC",
		Summary: "Quy ước về giữ gìn vệ sinh môi trường và nếp sống văn minh của Thôn Bắc.",
		Text:    strings.Replace(strings.Replace(HuongUoc, "HƯƠNG ƯỚC THÔN ĐÔNG", "QUY ƯỚC THÔN BẮC", 1), "Thôn Đông", "Thôn Bắc", -1),
		OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		return err
	}
	if _, err := a.RecordCharterDrafting(ctx, official, c.ID, app.CharterInput{ProposedBy: "Hội nghị Thôn Bắc", ProposedOn: day(-95),
		TeamFormedOn: day(-90), LeaderName: "Trưởng thôn Bắc (mẫu)", FrontHeadName: "Trưởng ban công tác Mặt trận thôn Bắc (mẫu)"}); err != nil {
		return err
	}
	if _, err := a.PublishBackdated(ctx, official, c.ID, opens); err != nil {
		return err
	}
	a.Now = func() time.Time { return closes }
	if _, err := a.Close(ctx, official, c.ID, ""); err != nil {
		return err
	}
	at(-44)
	if _, err := a.PublishResults(ctx, official, c.ID); err != nil {
		return err
	}
	present, agree, disagree, other := 80, 72, 5, 3
	if _, _, err := a.RecordVillageDecision(ctx, official, c.ID, villageID, app.NewVillageDecision{Form: "meeting",
		HeldOn: start.AddDate(0, 0, -44), Place: "Nhà văn hóa Thôn Bắc", Present: &present, Agree: &agree, Disagree: &disagree, Other: &other}); err != nil {
		return err
	}
	if _, err := a.Conclude(ctx, official, c.ID); err != nil {
		return err
	}
	at(-42)
	if _, err := a.RecordCharterStep(ctx, official, c.ID, app.CharterInput{Step: "submit", AdoptedOn: day(-44),
		RequestRef: "02/TTr-TB", RequestDate: day(-42), MinutesRef: "01/BB-TB", MinutesDate: day(-44), HasText: true}); err != nil {
		return err
	}
	at(-40)
	for _, in := range []app.CharterInput{{Step: "complete"}, {Step: "recognise", DecisionNumber: "45/QĐ-UBND", DecisionDate: day(-40)},
		{Step: "return", DecisionDate: day(-40)}, {Step: "send_front", DecisionDate: day(-40)}} {
		if _, err := a.RecordCharterStep(ctx, official, c.ID, in); err != nil {
			return fmt.Errorf("%s: %w", in.Step, err)
		}
	}
	return nil
}

// initiatives adds citizens' initiatives to Thôn Bắc (98 households, so 10 supports are
// needed): one collecting support, online and on paper, and one awaiting moderation. The
// household codes issued for them are not kept; an official issues a new sheet to try them.
func initiatives(ctx context.Context, a *app.App, official, moderator *domain.Actor) error {
	const village = "VD-HB-BAC"
	sheet, err := a.IssueHouseholdCodes(ctx, official, village, "")
	if err != nil {
		return err
	}
	lastDay := a.Now().In(domain.Zone).AddDate(0, 0, 25).Format(time.DateOnly)
	i, err := a.ProposeInitiative(ctx, nil, village, app.NewInitiative{Kind: string(domain.InitiativeMatter),
		Title: "Lắp đèn chiếu sáng ngõ 5", Body: "Ngõ 5 dài hơn 300 mét, buổi tối rất tối, học sinh đi học thêm về không an toàn. " +
			"Đề nghị thôn bàn việc lắp 8 bóng đèn năng lượng mặt trời, mỗi hộ trong ngõ góp 100.000 đồng.",
		LastDay: lastDay, Code: sheet.Codes[0].Code})
	if err != nil {
		return err
	}
	if err := a.ModerateInitiative(ctx, moderator, i.ID, app.InitiativeModeration{Decision: "approve"}); err != nil {
		return err
	}
	for _, c := range sheet.Codes[1:4] {
		if _, err := a.SupportInitiative(ctx, i.ID, c.Code); err != nil {
			return err
		}
	}
	if _, err := a.EnterPaperSupports(ctx, official, i.ID, app.PaperSupports{Households: "12, 15, 20",
		SignedOn: a.Now().In(domain.Zone).Format(time.DateOnly)}); err != nil {
		return err
	}
	_, err = a.ProposeInitiative(ctx, nil, village, app.NewInitiative{Kind: string(domain.InitiativeCharter),
		Title: "Bổ sung quy ước về nuôi chó", Body: "Đề nghị bổ sung vào quy ước của thôn: chó nuôi phải được tiêm phòng dại và không thả rông ra đường.",
		LastDay: lastDay, Code: sheet.Codes[30].Code})
	return err
}

func actor(ctx context.Context, a *app.App, email string) (*domain.Actor, error) {
	return a.ActorByEmail(ctx, email)
}

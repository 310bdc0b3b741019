package testutil

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/gopy-vn/gopy/internal/app"
	"github.com/gopy-vn/gopy/internal/domain"
	"github.com/gopy-vn/gopy/internal/shortcode"
	"github.com/gopy-vn/gopy/internal/store"
)

// Bulk data for benchmarks: one consultation with as many approved opinions as a large
// commune could send, inserted straight into the table in batches inside one transaction.
// Going through app.SubmitOpinion and Moderate would take minutes for 100,000 opinions and
// measure the write path, which is not what the summary benchmarks are about. Nothing in
// the production code depends on this file; only tests and benchmarks import testutil.

// LargeConsultation is a published consultation filled by SeedLargeConsultation.
type LargeConsultation struct {
	C *domain.Consultation
	// Now is a moment on the day after the last opinions, while the consultation is still
	// open: set App.Now to it so the day chart covers the whole month of opinions.
	Now time.Time
	// Approved is the number of approved opinions; Other the pending, rejected and hidden
	// ones seeded beside them, which the summary must not count.
	Approved, Other int
}

// largeDays is how many days the seeded opinions are spread over.
const largeDays = 30

// largeVillages are added under commune A next to the fixture's A1 and A2, so the
// participation chart has the eight villages of a real commune.
var largeVillages = []struct {
	code, name string
	households int
}{
	{"A3", "Thôn Ba", 150}, {"A4", "Thôn Bốn", 95}, {"A5", "Thôn Đông", 210},
	{"A6", "Thôn Tây", 130}, {"A7", "Xóm Chợ", 70}, {"A8", "Xóm Bãi", 40},
}

// largeArticles are the articles of the generated hương ước, by chapter.
var largeArticles = [][]string{
	{"Phạm vi điều chỉnh", "Đối tượng áp dụng", "Nguyên tắc thực hiện"},
	{"Giữ gìn vệ sinh môi trường", "Thu gom rác thải", "Chăn nuôi gia súc, gia cầm", "Bảo vệ nguồn nước",
		"Đường làng, ngõ xóm", "Chiếu sáng công cộng"},
	{"Việc cưới", "Việc tang", "Mừng thọ", "Lễ hội truyền thống", "Khuyến học, khuyến tài"},
	{"An ninh trật tự", "Phòng chống tệ nạn xã hội", "Hòa giải ở cơ sở", "Giờ giấc sinh hoạt, karaoke"},
	{"Đóng góp xây dựng thôn", "Khen thưởng", "Xử lý vi phạm", "Hiệu lực thi hành"},
}

// LargeDraft is a hương ước of five chapters and 22 articles, each with two clauses: about
// the size of a real village charter.
func LargeDraft() string {
	var b strings.Builder
	n := 0
	for ch, arts := range largeArticles {
		fmt.Fprintf(&b, "Chương %s\n%s\n", []string{"I", "II", "III", "IV", "V"}[ch],
			[]string{"QUY ĐỊNH CHUNG", "MÔI TRƯỜNG VÀ HẠ TẦNG", "NẾP SỐNG VĂN HÓA", "AN NINH TRẬT TỰ", "TỔ CHỨC THỰC HIỆN"}[ch])
		for _, title := range arts {
			n++
			fmt.Fprintf(&b, "Điều %d. %s\n", n, title)
			fmt.Fprintf(&b, "1. Mỗi hộ gia đình có trách nhiệm thực hiện quy định về %s.\n", strings.ToLower(title))
			fmt.Fprintf(&b, "2. Ban tự quản thôn theo dõi, nhắc nhở và báo cáo hằng quý về %s.\n", strings.ToLower(title))
		}
	}
	return b.String()
}

// Phrases residents write, combined into opinions: an opening, one to three remarks on the
// topics of the draft, sometimes a closing. A few dozen phrases give about a hundred
// thousand different texts, and the same topics recur the way real themes do.
var (
	openings = []string{
		"Tôi đồng ý với dự thảo.", "Gia đình tôi thống nhất với nội dung này.", "Tôi không đồng ý.",
		"Đề nghị ban soạn thảo xem lại điều này.", "Ý kiến của tôi như sau:", "Nhất trí cao.",
		"Cần bổ sung thêm.", "Điều này chưa phù hợp với thực tế của thôn.",
	}
	remarks = []string{
		"Đường làng xuống cấp, cần bê tông hóa trước mùa mưa.",
		"Đường làng ngập nước mỗi khi mưa to.",
		"Nên lắp thêm đèn đường ở các ngõ tối.",
		"Đèn đường ở xóm chợ hỏng đã lâu.",
		"Thu gom rác hai lần mỗi tuần là hợp lý.",
		"Thu gom rác chưa đúng giờ, rác để lâu gây mùi.",
		"Mỗi hộ phải phân loại rác tại nguồn.",
		"Phí thu gom rác nên giảm cho hộ nghèo.",
		"Cưới tiết kiệm, không tổ chức quá một ngày.",
		"Cưới tiết kiệm nhưng nên cho phép hai ngày nếu nhà xa.",
		"Không mở loa đài quá to trong đám cưới.",
		"Việc tang nên tổ chức gọn, không để quá ba ngày.",
		"Hạn chế rải vàng mã trên đường khi đưa tang.",
		"Mừng thọ nên tổ chức chung tại nhà văn hóa thôn.",
		"Lễ hội truyền thống cần giữ nét đẹp, tránh mê tín.",
		"Quỹ khuyến học nên khen thưởng cả học sinh nghèo vượt khó.",
		"Karaoke phải tắt trước mười giờ tối.",
		"Tiếng karaoke ồn ào ảnh hưởng người già và trẻ nhỏ.",
		"An ninh trật tự cần có tổ tuần tra ban đêm.",
		"Chăn nuôi gia súc phải có chuồng trại xa nhà ở.",
		"Không thả rông gia súc trên đường làng.",
		"Nước sạch chưa đến được xóm bãi.",
		"Cần nạo vét kênh mương trước vụ mùa.",
		"Bảo vệ nguồn nước, không xả nước thải ra ao chung.",
		"Mức đóng góp xây dựng thôn cần công khai minh bạch.",
		"Đóng góp xây dựng nhà văn hóa nên chia theo khả năng từng hộ.",
		"Hòa giải ở cơ sở cần mời người có uy tín tham gia.",
		"Phòng chống tệ nạn xã hội trong thanh niên cần làm thường xuyên.",
		"Khen thưởng kịp thời các hộ gia đình văn hóa.",
		"Xử lý vi phạm phải công bằng, không nể nang.",
		"Sân chơi cho trẻ em cần được quan tâm.",
		"Họp thôn nên thông báo sớm qua loa truyền thanh.",
	}
	closings = []string{"Xin cảm ơn.", "Mong được tiếp thu.", "Trân trọng."}
)

// stripMarks writes a text the way it is often typed on a phone: without tone marks, but
// with its punctuation (unlike textnorm.Fold, which also drops punctuation).
func stripMarks(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func opinionText(r *rand.Rand) string {
	var parts []string
	if r.IntN(2) == 0 {
		parts = append(parts, openings[r.IntN(len(openings))])
	}
	for range 1 + r.IntN(3) {
		parts = append(parts, remarks[r.IntN(len(remarks))])
	}
	if r.IntN(10) < 3 {
		parts = append(parts, closings[r.IntN(len(closings))])
	}
	text := strings.Join(parts, " ")
	if r.IntN(10) == 0 {
		text = stripMarks(text)
	}
	return text
}

// pick returns an index into weights, with probability proportional to its weight.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// SeedLargeConsultation publishes a consultation of commune A with LargeDraft and inserts
// approved opinions on it, plus one in twenty more pending, rejected or hidden ones. The
// opinions are spread over the commentable sections (a fifth on the whole draft, some
// articles drawing far more than others), the eight villages of A (a fifth name none),
// every channel, the three stances and 30 days from the opening. The data is the same for
// the same n on every run and database.
func (f *Fixture) SeedLargeConsultation(tb testing.TB, st *store.Store, approved int) *LargeConsultation {
	tb.Helper()
	ctx := context.Background()
	parent, err := st.UnitByCode(ctx, "A")
	if err != nil {
		tb.Fatal(err)
	}
	for _, v := range largeVillages {
		if _, err := st.UnitByCode(ctx, v.code); err == nil {
			continue // a second consultation on the same store
		}
		u := &domain.Unit{Code: v.code, Name: v.name, Kind: domain.UnitVillage, ParentID: &parent.ID,
			Households: v.households, CreatedAt: time.Now().UTC()}
		if err := st.CreateUnit(ctx, u); err != nil {
			tb.Fatalf("village %s: %v", v.code, err)
		}
	}
	villages, err := st.VillagesUnder(ctx, parent.ID)
	if err != nil {
		tb.Fatal(err)
	}
	opens, closes := domain.PeriodFromDates(time.Now(), time.Now().AddDate(0, 0, largeDays+5))
	c, err := f.App.CreateConsultation(ctx, f.OfficialA, app.NewConsultation{
		Title: "Dự thảo hương ước Xã An Bình (" + strconv.Itoa(approved) + " ý kiến)", Kind: "huong_uoc",
		UnitCode: "A", Text: LargeDraft(), OpensAt: opens, ClosesAt: closes,
	})
	if err != nil {
		tb.Fatalf("create consultation: %v", err)
	}
	if c, err = f.App.Publish(ctx, f.OfficialA, c.ID); err != nil {
		tb.Fatalf("publish: %v", err)
	}
	var sections []int64
	for _, s := range c.Sections {
		if s.Commentable() {
			sections = append(sections, s.ID)
		}
	}
	// Some articles draw far more opinions than others: of n sections, the i-th weighs
	// 10 + 10·(n−i)²/n, so the first draws about n times as many as the last.
	sectionWeights := make([]int, len(sections))
	for i := range sections {
		d := len(sections) - i
		sectionWeights[i] = 10 + 10*d*d/len(sections)
	}
	channelWeights := []int{70, 12, 8, 4, 3, 3} // domain.Channels order: online first
	stanceWeights := []int{55, 25, 20}          // domain.Stances order

	other := approved / 20
	r := rand.New(rand.NewPCG(uint64(approved), 2026))
	rows := make([]bulkOpinion, 0, approved+other)
	for i := range approved + other {
		day := r.IntN(largeDays)
		submitted := opens.Add(time.Duration(day)*24*time.Hour + time.Duration(r.IntN(24*3600))*time.Second).UTC()
		o := bulkOpinion{
			stance:    domain.Stances[pick(r, stanceWeights)],
			channel:   domain.Channels[pick(r, channelWeights)],
			body:      opinionText(r),
			status:    domain.OpinionApproved,
			submitted: submitted,
		}
		if r.IntN(5) > 0 {
			id := sections[pick(r, sectionWeights)]
			o.section = &id
		}
		if r.IntN(5) > 0 {
			id := villages[r.IntN(len(villages))].ID
			o.village = &id
		}
		if o.channel != domain.ChannelOnline {
			o.enteredBy = &f.OfficialA.StaffID
		}
		if i >= approved {
			o.status = []domain.OpinionStatus{domain.OpinionPending, domain.OpinionRejected, domain.OpinionHidden}[i%3]
		}
		if o.status != domain.OpinionPending {
			secs := int64(600 + r.IntN(2*24*3600))
			decided := submitted.Add(time.Duration(secs) * time.Second)
			o.decided, o.seconds = &decided, &secs
		}
		if o.status == domain.OpinionRejected || o.status == domain.OpinionHidden {
			o.reason = domain.ReasonOffTopic
		}
		rows = append(rows, o)
	}
	if err := insertOpinions(ctx, st, c.ID, rows); err != nil {
		tb.Fatalf("insert %d opinions: %v", len(rows), err)
	}
	return &LargeConsultation{C: c, Now: opens.AddDate(0, 0, largeDays).Add(10 * time.Hour), Approved: approved, Other: other}
}

type bulkOpinion struct {
	section, village, enteredBy *int64
	stance                      domain.Stance
	channel                     domain.Channel
	body                        string
	status                      domain.OpinionStatus
	reason                      domain.RejectReason
	submitted                   time.Time
	decided                     *time.Time
	seconds                     *int64
}

// bulkColumns are the columns insertOpinions fills; the others keep their defaults.
var bulkColumns = []string{
	"consultation_id", "section_id", "stance", "body", "body_public", "channel", "village_id",
	"status", "rejection_reason", "tracking_code", "submitted_at", "decided_at", "reviewed_at",
	"decision_seconds", "entered_by",
}

// insertOpinions inserts rows with multi-row INSERTs of bulkBatch rows in one transaction,
// so loading a large consultation stays quick. It writes through database/sql because
// the store keeps its GORM handle to itself; the values are those GORM would bind.
func insertOpinions(ctx context.Context, st *store.Store, consultationID int64, rows []bulkOpinion) error {
	const bulkBatch = 1000 // 15,000 parameters: under SQLite's 32,766 and PostgreSQL's 65,535
	tx, err := st.SQLDB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for from := 0; from < len(rows); from += bulkBatch {
		batch := rows[from:min(from+bulkBatch, len(rows))]
		var sql strings.Builder
		sql.WriteString("INSERT INTO opinions (" + strings.Join(bulkColumns, ", ") + ") VALUES ")
		args := make([]any, 0, len(batch)*len(bulkColumns))
		for i, o := range batch {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteByte('(')
			for j := range bulkColumns {
				if j > 0 {
					sql.WriteString(", ")
				}
				if st.Dialect() == store.Postgres {
					sql.WriteString("$" + strconv.Itoa(len(args)+j+1))
				} else {
					sql.WriteByte('?')
				}
			}
			sql.WriteByte(')')
			// The texts carry no personal data, so the public text is the text itself.
			args = append(args, consultationID, o.section, string(o.stance), o.body, o.body, string(o.channel), o.village,
				string(o.status), string(o.reason), shortcode.NewTracking(), o.submitted, o.decided, o.decided,
				o.seconds, o.enteredBy)
		}
		if _, err := tx.ExecContext(ctx, sql.String(), args...); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if st.Dialect() != store.Postgres {
		// The portal never runs ANALYZE on SQLite, so neither does the benchmark: the planner
		// works from the schema alone, as in production.
		return nil
	}
	// PostgreSQL's autovacuum would soon vacuum and analyze a table that grew this much; do
	// it now so the plans (and index-only scans) are those of a running portal.
	_, err = st.SQLDB().ExecContext(ctx, "VACUUM ANALYZE opinions")
	return err
}

package domain

import (
	"slices"
	"strings"
	"time"
)

// DisclosureCategory is the item of Law 10/2022 art. 11 a disclosure is about: the contents a
// commune's local government must make public. The article lists 14 items, numbered 1 to 14;
// the labels are in the locale files (disclosure.category.N).
type DisclosureCategory int

// DisclosureCategories is the number of items art. 11 lists.
const DisclosureCategories = 14

// Items of art. 11 the portal treats specially.
const (
	// CategoryConsultationResults is the item of the results of the consultations the
	// commune put to its people: a consultation whose results are published on the portal
	// counts as a disclosure of it without being entered again.
	CategoryConsultationResults DisclosureCategory = 8
	// CategoryOther is the last item: other information the law, a higher authority or the
	// commune itself requires to be made public.
	CategoryOther DisclosureCategory = 14
)

// Valid reports whether c is one of art. 11's items.
func (c DisclosureCategory) Valid() bool { return c >= 1 && c <= DisclosureCategories }

// AllDisclosureCategories lists art. 11's items in the law's order.
func AllDisclosureCategories() []DisclosureCategory {
	out := make([]DisclosureCategory, DisclosureCategories)
	for i := range out {
		out[i] = DisclosureCategory(i + 1)
	}
	return out
}

// DisclosureForm is one of the forms of making information public that Law 10/2022 art.
// 12(1) lists.
type DisclosureForm string

// The forms of art. 12(1), in the law's order.
const (
	FormNoticeBoard   DisclosureForm = "notice_board"  // (a) niêm yết
	FormPortal        DisclosureForm = "portal"        // (b) cổng / trang thông tin điện tử
	FormLoudspeaker   DisclosureForm = "loudspeaker"   // (c) hệ thống truyền thanh
	FormVillageHead   DisclosureForm = "village_head"  // (d) qua Trưởng thôn, Tổ trưởng tổ dân phố
	FormLetter        DisclosureForm = "letter"        // (đ) gửi văn bản đến công dân
	FormDialogue      DisclosureForm = "dialogue"      // (e) hội nghị trao đổi, đối thoại
	FormReception     DisclosureForm = "reception"     // (g) tiếp công dân, tiếp xúc cử tri, họp báo
	FormOrganisations DisclosureForm = "organisations" // (h) thông báo đến các tổ chức, đoàn thể
	FormNetwork       DisclosureForm = "network"       // (i) mạng viễn thông, mạng xã hội
)

// DisclosureForms are the forms an official may record, in the order forms show them.
var DisclosureForms = []DisclosureForm{FormNoticeBoard, FormPortal, FormLoudspeaker, FormVillageHead,
	FormLetter, FormDialogue, FormReception, FormOrganisations, FormNetwork}

// Limits on a disclosure.
const (
	MinPostingDays       = 30 // Law 10/2022 art. 13(2): posted at least 30 consecutive days
	DisclosureLateDays   = 5  // Law 10/2022 art. 12(3): made public within 5 working days
	MaxDisclosureTitle   = 300
	MaxDisclosureBody    = 20000
	MaxDisclosureDocText = 200 // characters of the document's number or issuer
	MaxDisclosureLinks   = 10
	MaxDisclosureURL     = 1000
)

// DisclosureLink is a file of a disclosure, published where the commune keeps its documents
// (its e-portal, most often); the register links to it.
type DisclosureLink struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Disclosure is one entry of a unit's register of what it made public (Law 10/2022 art.
// 11–13): the document it comes from, its text, its files, when it was posted and how.
type Disclosure struct {
	ID       int64              `gorm:"column:id;primaryKey"`
	UnitID   int64              `gorm:"column:unit_id"`
	Category DisclosureCategory `gorm:"column:category"`
	Title    string             `gorm:"column:title"`
	Body     string             `gorm:"column:body"`
	// PostedFrom and PostedUntil are the first and last day of the posting, at local midnight.
	PostedFrom  time.Time `gorm:"column:posted_from"`
	PostedUntil time.Time `gorm:"column:posted_until"`
	DocNumber   string    `gorm:"column:doc_number"`
	DocDate     time.Time `gorm:"column:doc_date"` // local midnight of the document's date
	DocIssuer   string    `gorm:"column:doc_issuer"`
	// Forms is the comma-separated list of the forms of art. 12(1) used.
	Forms string           `gorm:"column:forms"`
	Links []DisclosureLink `gorm:"column:links;serializer:json"`
	// TakenDownAt and TakedownReason record an official's taking the entry down: it leaves
	// the public register and stays in the staff's, with the reason.
	TakenDownAt    *time.Time `gorm:"column:taken_down_at"`
	TakedownReason string     `gorm:"column:takedown_reason"`
	CreatedBy      *int64     `gorm:"column:created_by"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`

	Unit *Unit `gorm:"-"`
	// Files are the files uploaded with the entry, without their bytes.
	Files []DisclosureFile `gorm:"-"`
	// ConsultationID is set on an entry that is a consultation's published results, listed
	// with the register's entries but not stored among them.
	ConsultationID int64 `gorm:"-"`
	// Late is set when the posting began after the deadline of art. 12(3), computed on the
	// calendar of working days when the entry is read.
	Late bool `gorm:"-"`
}

func (Disclosure) TableName() string { return "disclosures" }

// MaxDisclosureFile bounds an uploaded file of a disclosure, in bytes.
const MaxDisclosureFile = 5 << 20

// MIME types of the office documents a disclosure may carry.
const (
	MIMEDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MIMEXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// DisclosureFileTypes are the types of file a disclosure may carry, as detected from their
// bytes, with the extension they are served under: documents as issued (PDF, Word, Excel)
// and photos or scans of them.
var DisclosureFileTypes = map[string]string{
	"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", MIMEDOCX: "docx", MIMEXLSX: "xlsx",
}

// DisclosureFile is a file uploaded with a disclosure. It is public with its entry.
type DisclosureFile struct {
	ID           int64     `gorm:"column:id;primaryKey"`
	DisclosureID int64     `gorm:"column:disclosure_id"`
	ContentType  string    `gorm:"column:content_type"`
	FileName     string    `gorm:"column:file_name"`
	Size         int64     `gorm:"column:size"`
	SHA256       string    `gorm:"column:sha256"`
	Data         []byte    `gorm:"column:data"`
	UploadedBy   *int64    `gorm:"column:uploaded_by"`
	CreatedAt    time.Time `gorm:"column:created_at"`
}

func (DisclosureFile) TableName() string { return "disclosure_files" }

// KB is the file's size in kilobytes, rounded up, for display.
func (f DisclosureFile) KB() int64 { return (f.Size + 1023) / 1024 }

// FormList returns the recorded forms in the law's order.
func (d *Disclosure) FormList() []DisclosureForm {
	var out []DisclosureForm
	for _, f := range DisclosureForms {
		if slices.Contains(strings.Split(d.Forms, ","), string(f)) {
			out = append(out, f)
		}
	}
	return out
}

// JoinForms writes forms as the Forms column keeps them, in the law's order, each once.
func JoinForms(forms []DisclosureForm) string {
	var out []string
	for _, f := range DisclosureForms {
		if slices.Contains(forms, f) {
			out = append(out, string(f))
		}
	}
	return strings.Join(out, ",")
}

// ValidForm reports whether f is one of art. 12(1)'s forms.
func ValidForm(f DisclosureForm) bool { return slices.Contains(DisclosureForms, f) }

// PostingDays counts the days of a posting from its first to its last day, as the law counts
// a period in days (Civil Code art. 147(1), which applies where Law 10/2022 says nothing else):
// the day the notice goes up is the day of the event and does not count; the period runs from
// the next day and ends at the end of the last day. A posting from 1 March to 31 March thus
// lasts 30 days, and one that ends on 30 March lasts 29.
func PostingDays(from, until time.Time) int {
	a, b := StartOfDay(from), StartOfDay(until)
	// Whole local days between two local midnights: the zone has no daylight saving.
	return int(b.Sub(a).Hours() / 24)
}

// PostingLongEnough reports whether a posting lasts the at least 30 consecutive days of Law
// 10/2022 art. 13(2), counted by PostingDays.
func PostingLongEnough(from, until time.Time) bool {
	return PostingDays(from, until) >= MinPostingDays
}

// DisclosureDeadline is the last day a document may be made public on time: the 5th working
// day after the day of the document (Law 10/2022 art. 12(3): within 5 working days from the
// day the document is issued). The day of the document itself does not count.
func DisclosureDeadline(cal Calendar, docDate time.Time) time.Time {
	return cal.AddWorkingDays(docDate, DisclosureLateDays)
}

// PostedLate reports whether a posting that began on postedFrom came after the deadline of
// art. 12(3) for a document of docDate. A late posting is accepted and flagged.
func PostedLate(cal Calendar, docDate, postedFrom time.Time) bool {
	return StartOfDay(postedFrom).After(DisclosureDeadline(cal, docDate))
}

// PostingEnded reports whether the posting is over at now: it ends at midnight after its
// last day. An ended entry stays in the register, marked as ended.
func (d *Disclosure) PostingEnded(now time.Time) bool {
	if d.PostedUntil.IsZero() {
		return false // a consultation's results stay on the portal
	}
	return !now.Before(StartOfDay(d.PostedUntil).AddDate(0, 0, 1))
}

// PostingStarted reports whether the posting has begun at now.
func (d *Disclosure) PostingStarted(now time.Time) bool {
	return !now.Before(StartOfDay(d.PostedFrom))
}

// QuarterBounds returns the local midnights that begin quarter q (1–4) of year and the next
// quarter: the quarters of the calendar year, January to March being the first. ok is false
// for a quarter out of range.
func QuarterBounds(year, q int) (from, to time.Time, ok bool) {
	if q < 1 || q > 4 || year < 1900 || year > 9999 {
		return time.Time{}, time.Time{}, false
	}
	from = time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, Zone)
	return from, from.AddDate(0, 3, 0), true
}

// QuarterOf returns the year and quarter of the local day of t.
func QuarterOf(t time.Time) (year, q int) {
	l := t.In(Zone)
	return l.Year(), (int(l.Month())-1)/3 + 1
}

// DisclosureFigures sums a unit's disclosures of a year, for its annual report: how many
// postings began in the year, how many of them late (art. 12(3)), and how many of each item
// of art. 11 (ByCategory[0] is item 1). Consultation results published on the portal count
// under their item.
type DisclosureFigures struct {
	Year       int
	Posted     int
	Late       int
	ByCategory [DisclosureCategories]int
}

// Add counts one disclosure.
func (f *DisclosureFigures) Add(d *Disclosure) {
	f.Posted++
	if d.Late {
		f.Late++
	}
	if d.Category.Valid() {
		f.ByCategory[d.Category-1]++
	}
}

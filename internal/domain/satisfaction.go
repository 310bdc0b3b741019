package domain

import (
	"slices"
	"time"
)

// EnteredChannels are the channels staff enter opinions from, in the order forms show them:
// every form of taking opinions of Law 10/2022 art. 26 except the portal itself.
func EnteredChannels() []Channel {
	return slices.DeleteFunc(slices.Clone(Channels), func(c Channel) bool { return c == ChannelOnline })
}

// ReferenceRequired reports whether an opinion of the channel must name its paper: minutes
// are numbered and household forms come in batches, so a reviewer can find the original; a
// dialogue with the citizens affected (Law 10/2022 art. 27) has its minutes too.
func ReferenceRequired(c Channel) bool {
	return c == ChannelMeeting || c == ChannelForm || c == ChannelDialogue
}

// Limits on offline entries and satisfaction ratings.
const (
	MaxReference     = 100     // characters of a minutes number or form batch
	MaxAttachment    = 5 << 20 // bytes of a photo or scan of a signed paper
	MaxRatingComment = 1000    // characters of a rating's comment
	MinRating        = 1
	MaxRating        = 5
)

// AttachmentTypes are the kinds of file an official may attach, as http.DetectContentType
// names them: photos from a phone and scans.
var AttachmentTypes = []string{"image/jpeg", "image/png", "application/pdf"}

// Attachment is a photo or scan of the paper an offline opinion came on. It may show names
// and signatures, so it is never public.
type Attachment struct {
	ID          int64     `gorm:"column:id;primaryKey"`
	OpinionID   int64     `gorm:"column:opinion_id"`
	ContentType string    `gorm:"column:content_type"`
	FileName    string    `gorm:"column:file_name"`
	Size        int64     `gorm:"column:size"`
	SHA256      string    `gorm:"column:sha256"`
	Data        []byte    `gorm:"column:data"`
	UploadedBy  *int64    `gorm:"column:uploaded_by"`
	CreatedAt   time.Time `gorm:"column:created_at"`
}

func (Attachment) TableName() string { return "opinion_attachments" }

// Rating is one person's satisfaction with how a consultation was run (Law 10/2022 art. 35).
type Rating struct {
	ID             int64     `gorm:"column:id;primaryKey"`
	ConsultationID int64     `gorm:"column:consultation_id"`
	OpinionID      *int64    `gorm:"column:opinion_id"` // the commenter's opinion, when they gave its code
	Rating         int       `gorm:"column:rating"`
	Comment        string    `gorm:"column:comment"`
	CommentPublic  string    `gorm:"column:comment_public"`
	CreatedAt      time.Time `gorm:"column:created_at"`
	UpdatedAt      time.Time `gorm:"column:updated_at"`
}

func (Rating) TableName() string { return "satisfaction_ratings" }

// RatingFigures sums a set of ratings: how many, their total, and how many gave each score
// (By[0] counts the ones, By[4] the fives).
type RatingFigures struct {
	Count int
	Sum   int
	By    [MaxRating]int
}

// Add counts n ratings of a score; scores outside 1–5 are ignored.
func (f *RatingFigures) Add(score, n int) {
	if score < MinRating || score > MaxRating {
		return
	}
	f.Count += n
	f.Sum += score * n
	f.By[score-1] += n
}

// Merge adds another set of figures, for totals over several consultations.
func (f *RatingFigures) Merge(o RatingFigures) {
	f.Count += o.Count
	f.Sum += o.Sum
	for i := range f.By {
		f.By[i] += o.By[i]
	}
}

// AverageTenths is the average score in tenths, rounded half up (42 for 4.2), computed in
// whole numbers so 4.25 never becomes 4.2 through a float; 0 when there is no rating.
func (f RatingFigures) AverageTenths() int {
	if f.Count == 0 {
		return 0
	}
	return (f.Sum*20 + f.Count) / (2 * f.Count)
}

package httpx

import (
	"strconv"

	"github.com/gopy-vn/gopy/internal/domain"
)

// SectionFilter reads the part of a draft a list of opinions is narrowed to, as the pages
// (?section=) and the API (?section_id=) write it: empty for every opinion, "none" for the
// opinions on the draft as a whole, otherwise a section's id. ok is false for anything else;
// whether the section exists is for the caller to find out.
func SectionFilter(s string) (f domain.SectionFilter, ok bool) {
	switch s {
	case "":
	case "none":
		f.General = true
	default:
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return f, false
		}
		f.SectionID = &id
	}
	return f, true
}
